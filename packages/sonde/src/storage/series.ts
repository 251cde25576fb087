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

/** Shared empty lists: most series never get histograms, and new ones no sealed chunk yet. */
export const NO_CHUNKS: HeadChunk[] = [];
export const NO_TIMES: number[] = [];
export const NO_HISTOGRAMS: HistogramSample[] = [];

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

export function decodeChunk(c: HeadChunk, t: Float64Array, v: Float64Array, at: number): void {
  const r = new ByteReader(c.bytes);
  decodeTimestamps(r, t, at);
  decodeValues(r, v, at);
}

export class MemSeries {
  chunks: HeadChunk[] = NO_CHUNKS;
  t: Float64Array = NO_SAMPLES.t;
  v: Float64Array = NO_SAMPLES.v;
  private vw: Uint32Array = new Uint32Array(0);
  n = 0;
  ooo: Samples | null = null;
  ht: number[] = NO_TIMES;
  h: HistogramSample[] = NO_HISTOGRAMS;
  /** Newest float timestamp ever accepted, flushed data included. */
  maxT = Number.NEGATIVE_INFINITY;
  /** Raw bits of the value at maxT (duplicate detection). */
  lastHi = 0;
  lastLo = 0;
  hMaxT = Number.NEGATIVE_INFINITY;
  prev = Number.NaN;
  deleted = false;
  /** Whether its SERIES record is durable in the log (or a checkpoint). */
  logged = false;
  logging = false;

  constructor(
    readonly ref: number,
    readonly labels: Labels,
  ) {}

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
    let n = this.t.byteLength + this.v.byteLength;
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
    const cap = this.t.length === 0 ? 16 : Math.min(HEAD_CHUNK_SAMPLES, this.t.length * 2);
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
    this.v = v;
    this.vw = new Uint32Array(v.buffer, v.byteOffset, v.length * 2);
    this.n = n;
  }
}
