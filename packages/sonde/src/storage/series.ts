// One series in the head: its labels, the sealed compressed head chunks, the
// open chunk being appended (raw typed arrays), out-of-order samples accepted
// within the window, and histogram samples. Every field is append-only or
// replaced whole (copy-on-write), never rewritten in place, so a SeriesView
// taken at any moment stays valid: that is what query snapshots rely on.
import { decodeTimestamps, encodeTimestamps } from './chunkenc/timestamps.js';
import { decodeValues, encodeValues } from './chunkenc/values.js';
import { ByteReader, ByteWriter } from './chunkenc/varint.js';
import type { HistogramSample, Labels } from './types.js';

export const HEAD_CHUNK_SAMPLES = 128;

export interface HeadChunk {
  readonly minT: number;
  readonly maxT: number;
  readonly n: number;
  /** The value at maxT (rollup continuity across a cut). */
  readonly lastV: number;
  /** Timestamp column then value column (chunkenc). */
  readonly bytes: Uint8Array;
}

export interface Samples {
  t: Float64Array;
  v: Float64Array;
}

export const NO_SAMPLES: Samples = { t: new Float64Array(0), v: new Float64Array(0) };
const NO_WORDS = new Uint32Array(0);

/** Shared empty lists: most series never get histograms, and new ones no sealed chunk yet. */
/** Frozen: appending to a shared one instead of a series' own would throw, not leak into every series. */
export const NO_CHUNKS: HeadChunk[] = Object.freeze([]) as unknown as HeadChunk[];
export const NO_TIMES: number[] = Object.freeze([]) as unknown as number[];
export const NO_HISTOGRAMS: HistogramSample[] = Object.freeze([]) as unknown as HistogramSample[];

/** An immutable view of a series' head data at one moment. */
export interface SeriesView {
  readonly chunks: readonly HeadChunk[];
  readonly nChunks: number;
  readonly t: Float64Array;
  readonly v: Float64Array;
  readonly n: number;
  readonly ooo: Samples | null;
  readonly ht: readonly number[];
  readonly h: readonly HistogramSample[];
  readonly hn: number;
  /** The last float value before this data (counter-correct rollup increase). */
  readonly prev: number;
}

const scratch = new ByteWriter(4096);

export function encodeChunk(t: Float64Array, v: Float64Array, from: number, to: number): HeadChunk {
  scratch.reset();
  encodeTimestamps(scratch, t, from, to);
  encodeValues(scratch, v, from, to);
  return { minT: t[from], maxT: t[to - 1], n: to - from, lastV: v[to - 1], bytes: scratch.finish() };
}

/** Room for an open chunk of n samples: doubling from 16 as appends grow it, at most a chunk. */
export function openCap(n: number): number {
  let cap = 16;
  while (cap < n && cap < HEAD_CHUNK_SAMPLES) cap *= 2;
  return cap;
}

/** Timestamps and values of an open chunk in one buffer (fewer objects per series). */
export function openArrays(
  cap: number,
  t: Float64Array,
  v: Float64Array,
  n: number,
): [Float64Array, Float64Array] {
  const buf = new ArrayBuffer(cap * 16);
  const nt = new Float64Array(buf, 0, cap);
  const nv = new Float64Array(buf, cap * 8, cap);
  nt.set(t.subarray(0, n));
  new Uint32Array(buf, cap * 8, n * 2).set(new Uint32Array(v.buffer, v.byteOffset, n * 2));
  return [nt, nv];
}

/**
 * A new series' first open chunk (16 samples) is carved from a shared slab instead of an
 * ArrayBuffer of its own: a buffer costs an allocation outside the JS heap and a tracking
 * record the collector sweeps, the largest single cost of creating a series. Regions are
 * never reused, so views stay valid; a slab is freed once every series carved from it has
 * grown out of its region (at 16 samples) or been cut, which bounds what it can pin.
 */
const FIRST_CAP = 16;
const SLAB_BYTES = 64 * 1024;
let slab = new ArrayBuffer(0);
let slabUsed = 0;

function firstOpenRegion(): number {
  const bytes = FIRST_CAP * 16;
  if (slabUsed + bytes > slab.byteLength) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const at = slabUsed;
  slabUsed += bytes;
  return at;
}

export function decodeChunk(c: HeadChunk, t: Float64Array, v: Float64Array, at: number): void {
  const r = new ByteReader(c.bytes);
  decodeTimestamps(r, t, at);
  decodeValues(r, v, at);
}

const DELETED = 1;
const LOGGED = 2;
const LOGGING = 4;

class RareData {
  ooo: Samples | null = null;
  ht: number[] = NO_TIMES;
  h: HistogramSample[] = NO_HISTOGRAMS;
  hMaxT = Number.NEGATIVE_INFINITY;
}

export class MemSeries {
  chunks: HeadChunk[] = NO_CHUNKS;
  t: Float64Array = NO_SAMPLES.t;
  /** The open chunk's values as raw words (its Float64Array view is made when asked for). */
  private vw: Uint32Array = NO_WORDS;
  n = 0;
  /** Newest float timestamp ever accepted, flushed data included. */
  maxT = Number.NEGATIVE_INFINITY;
  /** Raw bits of the value at maxT (duplicate detection). */
  lastHi = 0;
  lastLo = 0;
  prev = Number.NaN;
  /** Out-of-order and histogram data, which most series never have: one field instead of four. */
  private rare: RareData | null = null;
  private flags = 0;

  constructor(
    readonly ref: number,
    readonly labels: Labels,
  ) {}

  get ooo(): Samples | null {
    return this.rare === null ? null : this.rare.ooo;
  }

  set ooo(x: Samples | null) {
    if (x !== null || this.rare !== null) (this.rare ??= new RareData()).ooo = x;
  }

  get ht(): number[] {
    return this.rare === null ? NO_TIMES : this.rare.ht;
  }

  set ht(x: number[]) {
    if (x !== NO_TIMES || this.rare !== null) (this.rare ??= new RareData()).ht = x;
  }

  get h(): HistogramSample[] {
    return this.rare === null ? NO_HISTOGRAMS : this.rare.h;
  }

  set h(x: HistogramSample[]) {
    if (x !== NO_HISTOGRAMS || this.rare !== null) (this.rare ??= new RareData()).h = x;
  }

  /** Newest histogram timestamp ever accepted. */
  get hMaxT(): number {
    return this.rare === null ? Number.NEGATIVE_INFINITY : this.rare.hMaxT;
  }

  set hMaxT(t: number) {
    if (t !== Number.NEGATIVE_INFINITY || this.rare !== null) (this.rare ??= new RareData()).hMaxT = t;
  }

  get deleted(): boolean {
    return (this.flags & DELETED) !== 0;
  }

  set deleted(b: boolean) {
    this.flags = b ? this.flags | DELETED : this.flags & ~DELETED;
  }

  /** Whether its SERIES record is durable in the log (or a checkpoint). */
  get logged(): boolean {
    return (this.flags & LOGGED) !== 0;
  }

  set logged(b: boolean) {
    this.flags = b ? this.flags | LOGGED : this.flags & ~LOGGED;
  }

  get logging(): boolean {
    return (this.flags & LOGGING) !== 0;
  }

  set logging(b: boolean) {
    this.flags = b ? this.flags | LOGGING : this.flags & ~LOGGING;
  }

  /** The open chunk's values (a view over the same memory, made on demand: one object less per series). */
  get v(): Float64Array {
    const w = this.vw;
    return w.length === 0 ? NO_SAMPLES.v : new Float64Array(w.buffer, w.byteOffset, w.length >>> 1);
  }

  view(): SeriesView {
    return {
      chunks: this.chunks,
      nChunks: this.chunks.length,
      t: this.t,
      v: this.v,
      n: this.n,
      ooo: this.ooo,
      ht: this.ht,
      h: this.h,
      hn: this.h.length,
      prev: this.prev,
    };
  }

  /** Bytes held by sample data: the open chunk's arrays and the sealed chunks. */
  get sampleBytes(): number {
    let n = this.t.byteLength + this.vw.byteLength;
    for (const c of this.chunks) n += c.bytes.byteLength;
    if (this.ooo) n += this.ooo.t.byteLength + this.ooo.v.byteLength;
    return n;
  }

  get hasData(): boolean {
    return this.n > 0 || this.chunks.length > 0 || this.ooo !== null || this.h.length > 0;
  }

  /** Appends an in-order sample (t > maxT), value given as raw words. */
  push(t: number, hi: number, lo: number): void {
    if (this.n === this.t.length) this.grow();
    const i = this.n;
    this.t[i] = t;
    this.vw[2 * i] = lo;
    this.vw[2 * i + 1] = hi;
    this.n = i + 1;
    this.maxT = t;
    this.lastHi = hi;
    this.lastLo = lo;
    if (this.n === HEAD_CHUNK_SAMPLES) this.seal();
  }

  private grow(): void {
    if (this.t.length === 0) {
      const at = firstOpenRegion();
      this.t = new Float64Array(slab, at, FIRST_CAP);
      this.vw = new Uint32Array(slab, at + FIRST_CAP * 8, FIRST_CAP * 2);
      return;
    }
    const cap = Math.min(HEAD_CHUNK_SAMPLES, this.t.length * 2);
    this.setOpen(...openArrays(cap, this.t, this.v, this.n), this.n);
  }

  /** Compresses the open chunk and starts a new one (new arrays: views keep the old). */
  seal(): void {
    if (this.n === 0) return;
    if (this.chunks === NO_CHUNKS) this.chunks = [];
    this.chunks.push(encodeChunk(this.t, this.v, 0, this.n));
    this.setOpen(NO_SAMPLES.t, NO_SAMPLES.v, 0);
  }

  /** Replaces the open chunk (cut, delete, out-of-order rebuild). */
  setOpen(t: Float64Array, v: Float64Array, n: number): void {
    this.t = t;
    this.vw = v.length === 0 ? NO_WORDS : new Uint32Array(v.buffer, v.byteOffset, v.length * 2);
    this.n = n;
  }
}
