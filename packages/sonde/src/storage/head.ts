// The in-memory head: the series registry (label set → series, ref →
// series, the postings index) and the rules for accepting a sample: in order,
// out of order within the window, duplicate, or too old; cutting everything
// older than a time off into a block-to-be; deleting ranges.
import { wordsOf } from './chunkenc/float-bits.js';
import { isLabelName } from './labels.js';
import { Postings } from './postings.js';
import { SeriesSet, labelsHash, sortedNames } from './series-set.js';
import { insertSample, lowerBound, mergeRuns, rangeOf, viewFloats } from './samples.js';
import {
  HEAD_CHUNK_SAMPLES,
  type HeadChunk,
  MemSeries,
  NO_SAMPLES,
  NO_TIMES,
  type Samples,
  decodeChunk,
  encodeChunk,
  openArrays,
  openCap,
} from './series.js';
import type { HistogramSample, Labels } from './types.js';

export const ACCEPTED = 0;
export const OUT_OF_ORDER = 1;
export const DUPLICATE = 2;
export const SAME = 3;

/** What a cut takes from one series: its data older than the cut time. */
export interface CutSeries {
  /** The float samples, sorted (decoded on first use). */
  readonly floats: Samples;
  readonly ht: readonly number[];
  readonly h: readonly HistogramSample[];
  /** The value before `floats` (for counter-correct rollups). */
  readonly prev: number;
  /** Oldest and newest float timestamp (±Infinity when none), known without decoding. */
  readonly minT: number;
  readonly maxT: number;
  /** Drops what `floats` decoded; it is decoded again if read again. */
  release(): void;
}

/** A cut's take from one series: sealed head chunks kept encoded until first read. */
class CutRun implements CutSeries {
  private decoded: Samples | null = null;

  constructor(
    private readonly chunks: readonly HeadChunk[],
    private readonly rest: Samples,
    readonly ht: readonly number[],
    readonly h: readonly HistogramSample[],
    readonly prev: number,
  ) {}

  get minT(): number {
    const n = this.rest.t.length;
    return Math.min(
      this.chunks[0]?.minT ?? Number.POSITIVE_INFINITY,
      n ? this.rest.t[0] : Number.POSITIVE_INFINITY,
    );
  }

  get maxT(): number {
    const n = this.rest.t.length;
    return Math.max(
      this.chunks.at(-1)?.maxT ?? Number.NEGATIVE_INFINITY,
      n ? this.rest.t[n - 1] : Number.NEGATIVE_INFINITY,
    );
  }

  release(): void {
    if (this.chunks.length) this.decoded = null;
  }

  get floats(): Samples {
    if (this.decoded) return this.decoded;
    const runs: Samples[] = this.chunks.map((c) => {
      const run = { t: new Float64Array(c.n), v: new Float64Array(c.n) };
      decodeChunk(c, run.t, run.v, 0);
      return run;
    });
    runs.push(this.rest);
    this.decoded = mergeRuns(runs);
    return this.decoded;
  }
}

/** A cut series from samples already decoded. */
export function decodedCut(
  floats: Samples,
  ht: readonly number[],
  h: readonly HistogramSample[],
  prev: number,
): CutSeries {
  return new CutRun([], floats, ht, h, prev);
}

export class Head {
  private readonly byLabels = new SeriesSet<MemSeries>();
  readonly byRef = new Map<number, MemSeries>();
  readonly postings = new Postings((ref) => this.byRef.get(ref)?.labels);
  private readonly labelCache = new WeakMap<Labels, MemSeries>();
  nextRef = 1;
  /** Newest float timestamp accepted by any series. */
  maxT = Number.NEGATIVE_INFINITY;

  constructor(public oooWindowMs: number) {}

  /**
   * The series for a label set, created if new; null if the set is invalid (no name, bad label
   * name). `remember` keeps the labels object as a key for the next lookup; callers that hold
   * the series handle themselves (Appender.appendRef) pass false.
   */
  obtain(labels: Labels, remember = true): MemSeries | null {
    const cached = this.labelCache.get(labels);
    if (cached && !cached.deleted) return cached;
    if (!labels || typeof labels !== 'object') return null;
    // one sort and one hash for both the lookup and a creation (the hash ignores empty values, as `clean` does)
    const names = sortedNames(labels);
    const hash = labelsHash(labels, names);
    const s = this.byLabels.get(labels, hash);
    if (s) {
      if (remember) this.labelCache.set(labels, s);
      return s;
    }
    if (!Head.valid(labels)) return null;
    const created = this.create(labels, this.nextRef, hash, names);
    if (remember) this.labelCache.set(labels, created);
    return created;
  }

  static valid(labels: Labels): boolean {
    if (!labels.__name__) return false;
    for (const name in labels) if (typeof labels[name] !== 'string' || !isLabelName(name)) return false;
    return true;
  }

  /** Creates a series (ref given on replay, allocated otherwise). */
  create(labels: Labels, ref = this.nextRef, hash?: number, names = sortedNames(labels)): MemSeries {
    // names and values interned as the index holds them, and the ref indexed, in one pass
    const clean = Object.freeze(this.postings.addSeries(ref, labels, names));
    const s = new MemSeries(ref, clean);
    const h = hash ?? labelsHash(clean);
    const old = this.byLabels.get(clean, h);
    if (old) this.drop(old);
    this.byLabels.add(s, h);
    this.byRef.set(ref, s);
    if (ref >= this.nextRef) this.nextRef = ref + 1;
    return s;
  }

  /** Forgets a series entirely (all its data deleted). */
  drop(s: MemSeries): void {
    s.deleted = true;
    this.byLabels.delete(s);
    this.byRef.delete(s.ref);
    this.postings.remove(s.ref, s.labels);
  }

  appendFloat(s: MemSeries, t: number, hi: number, lo: number): number {
    if (t > s.maxT) {
      s.push(t, hi, lo);
      if (t > this.maxT) this.maxT = t;
      return ACCEPTED;
    }
    if (t === s.maxT) return s.lastHi === hi && s.lastLo === lo ? SAME : DUPLICATE;
    if (t < s.maxT - this.oooWindowMs) return OUT_OF_ORDER;
    const have = findSample(s, t);
    if (have) return have[0] === hi && have[1] === lo ? SAME : DUPLICATE;
    s.ooo = insertSample(s.ooo, t, hi, lo);
    return ACCEPTED;
  }

  appendHistogram(s: MemSeries, t: number, h: HistogramSample): number {
    if (t > s.hMaxT) {
      if (s.ht === NO_TIMES) {
        s.ht = [];
        s.h = [];
      }
      s.ht.push(t);
      s.h.push(h);
      s.hMaxT = t;
      if (t > this.maxT) this.maxT = t;
      return ACCEPTED;
    }
    if (t === s.hMaxT) return JSON.stringify(s.h[s.h.length - 1]) === JSON.stringify(h) ? SAME : DUPLICATE;
    return OUT_OF_ORDER;
  }

  /**
   * Takes every sample older than `cut` out of the head (copy-on-write).
   * Sealed chunks move as they are and are decoded later, off this
   * synchronous path; only a chunk straddling the cut is decoded here.
   */
  cut(cut: number): Map<number, CutSeries> {
    const out = new Map<number, CutSeries>();
    for (const s of this.byRef.values()) {
      if (!s.hasData) continue;
      let k = 0;
      while (k < s.chunks.length && s.chunks[k].maxT < cut) k++;
      const taken = s.chunks.slice(0, k);
      const keepChunks = s.chunks.slice(k);
      const rest: Samples[] = [];
      if (keepChunks.length && keepChunks[0].minT < cut) {
        const c = keepChunks[0];
        const run = { t: new Float64Array(c.n), v: new Float64Array(c.n) };
        decodeChunk(c, run.t, run.v, 0);
        rest.push(rangeOf(run, Number.NEGATIVE_INFINITY, cut - 0.5));
        const after = rangeOf(run, cut, Number.POSITIVE_INFINITY);
        keepChunks[0] = encodeChunk(after.t, after.v, 0, after.t.length);
      }
      let open: Samples | null = null;
      if (s.n > 0 && s.t[0] < cut) {
        const view = { t: s.t.subarray(0, s.n), v: s.v.subarray(0, s.n) };
        rest.push(rangeOf(view, Number.NEGATIVE_INFINITY, cut - 0.5));
        open = rangeOf(view, cut, Number.POSITIVE_INFINITY);
      }
      let ooo = s.ooo;
      if (ooo && ooo.t[0] < cut) {
        rest.push(rangeOf(ooo, Number.NEGATIVE_INFINITY, cut - 0.5));
        const left = rangeOf(ooo, cut, Number.POSITIVE_INFINITY);
        ooo = left.t.length ? left : null;
      }
      let hk = 0;
      while (hk < s.h.length && s.ht[hk] < cut) hk++;
      const before = mergeRuns(rest);
      if (taken.length === 0 && before.t.length === 0 && hk === 0) continue;
      // the newest value taken: the continuity for the head's own rollups
      let prevT = Number.NEGATIVE_INFINITY;
      let prev = s.prev;
      if (taken.length) {
        prevT = taken[taken.length - 1].maxT;
        prev = taken[taken.length - 1].lastV;
      }
      const nb = before.t.length;
      if (nb && before.t[nb - 1] > prevT) prev = before.v[nb - 1];
      out.set(s.ref, new CutRun(taken, before, s.ht.slice(0, hk), s.h.slice(0, hk), s.prev));
      s.prev = prev;
      if (taken.length || nb) {
        s.chunks = keepChunks;
        s.ooo = ooo;
        if (open) {
          const [t, v] = openArrays(openCap(open.t.length), open.t, open.v, open.t.length);
          s.setOpen(t, v, open.t.length);
        }
      }
      if (hk > 0) {
        s.ht = s.ht.slice(hk);
        s.h = s.h.slice(hk);
      }
    }
    return out;
  }

  /** Removes samples in [mint, maxt] from a series' head data. */
  deleteRange(s: MemSeries, mint: number, maxt: number): void {
    const all = viewFloats(s.view(), Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
    const keep = mergeRuns([
      rangeOf(all, Number.NEGATIVE_INFINITY, mint - 1e-3),
      rangeOf(all, maxt + 1e-3, Infinity),
    ]);
    if (keep.t.length !== all.t.length) setSamples(s, keep);
    if (s.ht.length === 0) return;
    const ht: number[] = [];
    const h: HistogramSample[] = [];
    s.ht.forEach((t, i) => {
      if (t < mint || t > maxt) {
        ht.push(t);
        h.push(s.h[i]);
      }
    });
    s.ht = ht;
    s.h = h;
  }

  /** Restores head data from a checkpoint: sealed chunks as they were, the open chunk, out-of-order samples. */
  restore(
    s: MemSeries,
    chunks: HeadChunk[],
    open: Samples,
    ooo: Samples | null,
    ht: number[],
    h: HistogramSample[],
  ): void {
    if (open.t.length >= HEAD_CHUNK_SAMPLES) {
      setSamples(s, open);
      s.chunks = chunks.concat(s.chunks);
    } else {
      s.chunks = chunks.length ? chunks : s.chunks;
      if (open.t.length) {
        const [t, v] = openArrays(openCap(open.t.length), open.t, open.v, open.t.length);
        s.setOpen(t, v, open.t.length);
      }
    }
    s.ooo = ooo;
    if (ht.length) {
      s.ht = ht;
      s.h = h;
    }
    for (const c of chunks) if (c.maxT > this.maxT) this.maxT = c.maxT;
    const n = open.t.length;
    if (n && open.t[n - 1] > this.maxT) this.maxT = open.t[n - 1];
  }
}

/** The raw bits of the sample at exactly t, if the head has one. */
function findSample(s: MemSeries, t: number): [number, number] | null {
  // on the commit path for every out-of-order sample: values are looked at only on a hit
  if (s.n > 0 && t >= s.t[0]) {
    const i = lowerBound(s.t, s.n, t);
    if (i < s.n && s.t[i] === t) return bitsAt(s.v, i);
  }
  const ooo = s.ooo;
  if (ooo) {
    const i = lowerBound(ooo.t, ooo.t.length, t);
    if (i < ooo.t.length && ooo.t[i] === t) return bitsAt(ooo.v, i);
  }
  for (const c of s.chunks) {
    if (t < c.minT || t > c.maxT) continue;
    const run = { t: new Float64Array(c.n), v: new Float64Array(c.n) };
    decodeChunk(c, run.t, run.v, 0);
    const i = lowerBound(run.t, c.n, t);
    return i < c.n && run.t[i] === t ? bitsAt(run.v, i) : null;
  }
  return null;
}

function bitsAt(v: Float64Array, i: number): [number, number] {
  const w = wordsOf(v);
  return [w[2 * i + 1], w[2 * i]];
}

/** Replaces a series' float head data with sorted samples: sealed chunks plus an open remainder. */
function setSamples(s: MemSeries, run: Samples): void {
  const n = run.t.length;
  const chunks: HeadChunk[] = [];
  let i = 0;
  for (; n - i >= HEAD_CHUNK_SAMPLES; i += HEAD_CHUNK_SAMPLES) {
    chunks.push(encodeChunk(run.t, run.v, i, i + HEAD_CHUNK_SAMPLES));
  }
  s.chunks = chunks;
  s.ooo = null;
  if (i === n) {
    s.setOpen(NO_SAMPLES.t, NO_SAMPLES.v, 0);
    return;
  }
  const [t, v] = openArrays(openCap(n - i), run.t.subarray(i), run.v.subarray(i), n - i);
  s.setOpen(t, v, n - i);
}
