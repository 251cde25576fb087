// Columnar sample runs: reading a head view's range (decoding only the chunks
// that overlap it), merging sorted runs from several sources with duplicate
// timestamps dropped (the first source wins), and range slicing by binary search.
import { wordsOf } from './chunkenc/float-bits.js';
import { NO_SAMPLES, type Samples, type SeriesView, decodeChunk } from './series.js';
import type { HistogramSample } from './types.js';

/** First index with t[i] >= x in t[0..n). */
export function lowerBound(t: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index with t[i] > x in t[0..n). */
export function upperBound(t: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Copies t/v[from..to) bit-exactly. */
export function sliceSamples(t: Float64Array, v: Float64Array, from: number, to: number): Samples {
  if (to <= from) return NO_SAMPLES;
  return { t: t.slice(from, to), v: v.slice(from, to) };
}

export function rangeOf(s: Samples, mint: number, maxt: number): Samples {
  const n = s.t.length;
  const a = lowerBound(s.t, n, mint);
  const b = upperBound(s.t, n, maxt);
  return a === 0 && b === n ? s : sliceSamples(s.t, s.v, a, b);
}

/** Merges sorted runs; on equal timestamps the earlier run's sample is kept. */
export function mergeRuns(runs: Samples[]): Samples {
  const live = runs.filter((r) => r.t.length > 0);
  if (live.length === 0) return NO_SAMPLES;
  if (live.length === 1) return live[0];
  let ordered = true;
  for (let i = 1; i < live.length && ordered; i++) {
    if (live[i].t[0] <= live[i - 1].t[live[i - 1].t.length - 1]) ordered = false;
  }
  const total = live.reduce((n, r) => n + r.t.length, 0);
  const t = new Float64Array(total);
  const v = new Float64Array(total);
  if (ordered) {
    let p = 0;
    for (const r of live) {
      t.set(r.t, p);
      wordsOf(v).set(wordsOf(r.v), p * 2);
      p += r.t.length;
    }
    return { t, v };
  }
  // k-way merge by repeated two-way merges, earlier runs first
  let acc = live[0];
  for (let i = 1; i < live.length; i++) acc = merge2(acc, live[i]);
  return acc;
}

function merge2(a: Samples, b: Samples): Samples {
  const t = new Float64Array(a.t.length + b.t.length);
  const v = new Float64Array(t.length);
  const vw = wordsOf(v);
  const aw = wordsOf(a.v);
  const bw = wordsOf(b.v);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.t.length || j < b.t.length) {
    let fromA: boolean;
    if (j >= b.t.length) fromA = true;
    else if (i >= a.t.length) fromA = false;
    else if (a.t[i] === b.t[j]) {
      j++; // duplicate: keep a's
      continue;
    } else fromA = a.t[i] < b.t[j];
    if (fromA) {
      t[k] = a.t[i];
      vw[2 * k] = aw[2 * i];
      vw[2 * k + 1] = aw[2 * i + 1];
      i++;
    } else {
      t[k] = b.t[j];
      vw[2 * k] = bw[2 * j];
      vw[2 * k + 1] = bw[2 * j + 1];
      j++;
    }
    k++;
  }
  return k === t.length ? { t, v } : { t: t.slice(0, k), v: v.slice(0, k) };
}

/** The float samples of a head view within [mint, maxt]. */
export function viewFloats(view: SeriesView, mint: number, maxt: number): Samples {
  const runs: Samples[] = [];
  for (let i = 0; i < view.nChunks; i++) {
    const c = view.chunks[i];
    if (c.maxT < mint || c.minT > maxt) continue;
    const t = new Float64Array(c.n);
    const v = new Float64Array(c.n);
    decodeChunk(c, t, v, 0);
    runs.push(c.minT >= mint && c.maxT <= maxt ? { t, v } : rangeOf({ t, v }, mint, maxt));
  }
  if (view.n > 0 && view.t[view.n - 1] >= mint && view.t[0] <= maxt) {
    const a = lowerBound(view.t, view.n, mint);
    const b = upperBound(view.t, view.n, maxt);
    runs.push(sliceSamples(view.t, view.v, a, b));
  }
  if (view.ooo) runs.push(rangeOf(view.ooo, mint, maxt));
  return mergeRuns(runs);
}

export function viewHistograms(
  view: SeriesView,
  mint: number,
  maxt: number,
): { ht: number[]; h: HistogramSample[] } | null {
  if (view.hn === 0) return null;
  const ht: number[] = [];
  const h: HistogramSample[] = [];
  for (let i = 0; i < view.hn; i++) {
    if (view.ht[i] >= mint && view.ht[i] <= maxt) {
      ht.push(view.ht[i]);
      h.push(view.h[i]);
    }
  }
  return ht.length ? { ht, h } : null;
}

/** Inserts one sample into a sorted run, returning a new run (copy-on-write). */
export function insertSample(run: Samples | null, t: number, hi: number, lo: number): Samples {
  // on the commit path for every out-of-order sample: two allocations, byte copies only
  // (set and copyWithin between Float64Arrays copy bytes, so NaN payloads are kept)
  const n = run ? run.t.length : 0;
  const at = run ? lowerBound(run.t, n, t) : 0;
  const nt = new Float64Array(n + 1);
  const nv = new Float64Array(n + 1);
  if (run) {
    nt.set(run.t);
    nv.set(run.v);
    if (at < n) {
      nt.copyWithin(at + 1, at, n);
      nv.copyWithin(at + 1, at, n);
    }
  }
  nt[at] = t;
  ONE_WORDS[0] = lo;
  ONE_WORDS[1] = hi;
  nv.set(ONE_VALUE, at);
  return { t: nt, v: nv };
}

const ONE_VALUE = new Float64Array(1);
const ONE_WORDS = wordsOf(ONE_VALUE);

/** The samples outside [mint, maxt]. */
export function mergeOutside(run: Samples, mint: number, maxt: number): Samples {
  const a = rangeOf(run, Number.NEGATIVE_INFINITY, mint - 1e-3);
  const b = rangeOf(run, maxt + 1e-3, Number.POSITIVE_INFINITY);
  if (b.t.length === 0) return a;
  if (a.t.length === 0) return b;
  const t = new Float64Array(a.t.length + b.t.length);
  const v = new Float64Array(t.length);
  t.set(a.t);
  t.set(b.t, a.t.length);
  new Uint32Array(v.buffer).set(new Uint32Array(a.v.buffer, a.v.byteOffset, a.v.length * 2));
  new Uint32Array(v.buffer).set(new Uint32Array(b.v.buffer, b.v.byteOffset, b.v.length * 2), a.v.length * 2);
  return { t, v };
}
