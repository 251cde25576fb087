// Selectors: instant-vector selectors with lookback and staleness, range
// selectors, and subqueries. Each reads the store once for all steps.
import { STALE_NAN_BITS_HI } from '../../storage/labels.js';
import type { Matcher, SeriesData } from '../../storage/types.js';
import { yieldToLoop } from '../range-slices.js';
import type { QueryContext } from './context.js';
import type { MatrixSelector, Subquery, VectorSelector } from '../parser/ast.js';
import { re2ForStore } from '../parser/regex.js';
import { Evaluator } from './evaluator.js';
import { type FHist, fromSample, toSample } from './histogram.js';
import { keyOf } from './labels.js';
import type { MatrixValue, RawSeries, StepSeries, VectorValue } from './values.js';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** isStaleNaN for values read from a typed array (assumes v is NaN). */
function staleBits(v: number): boolean {
  f64[0] = v;
  return (u32[HI] & ~0x00080000) === STALE_NAN_BITS_HI && u32[1 - HI] === 2;
}

/** First index of the sorted t with t[i] >= x (or > x with `after`). */
function bound(t: Float64Array, x: number, after: boolean): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid] < x || (after && t[mid] === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * selectSeries for a slice of a sliced range query: the store is read once,
 * for the window this selector needs over the whole range (the slice's window
 * moved by the slice's place in the range), and each slice gets views of it
 * trimmed to its own window: the same samples a read of that window gives.
 */
function selectSlice(ev: Evaluator, matchers: readonly Matcher[], mint: number, maxt: number): RawSeries[] {
  const sl = ev.q.slices!;
  const key = selectionKey(matchers);
  let cached = sl.cache.get(key);
  if (!cached || mint < cached.mint || maxt > cached.maxt) {
    const fullMint = mint - (sl.from - sl.start);
    const fullMaxt = maxt + (sl.end - sl.to);
    const t0 = performance.now();
    const read = readSeries(ev.q, matchers, fullMint, fullMaxt);
    sl.readMs += performance.now() - t0;
    // Counted once, when read, as an unsliced evaluation counts it.
    ev.q.account(read.samples);
    cached = { mint: fullMint, maxt: fullMaxt, series: read.series };
    sl.cache.set(key, cached);
  }
  const out: RawSeries[] = [];
  for (const s of cached.series) {
    const lo = bound(s.t, mint, false);
    const hi = bound(s.t, maxt, true);
    let hlo = 0;
    let hhi = 0;
    if (s.ht) {
      hlo = bound(s.ht, mint, false);
      hhi = bound(s.ht, maxt, true);
    }
    if (hi === lo && hhi === hlo) continue;
    const t = s.t.subarray(lo, hi);
    const v = s.v.subarray(lo, hi);
    out.push(
      hhi > hlo
        ? { labels: s.labels, key: s.key, t, v, ht: s.ht!.subarray(hlo, hhi), h: s.h!.slice(hlo, hhi) }
        : { labels: s.labels, key: s.key, t, v },
    );
    ev.q.check();
  }
  return out;
}

/** Series matching the matchers with samples in [mint, maxt], in label order; counts the samples. */
export function selectSeries(
  ev: Evaluator,
  matchers: readonly Matcher[],
  mint: number,
  maxt: number,
): RawSeries[] {
  if (ev.q.slices) return selectSlice(ev, matchers, mint, maxt);
  const { series, samples } = readSeries(ev.q, matchers, mint, maxt);
  ev.q.account(samples);
  return series;
}

/** The key of a matcher set in the slices' cache. */
export function selectionKey(matchers: readonly Matcher[]): string {
  let key = '';
  for (const m of matchers) key += `${m.type}\u0000${m.name}\u0000${m.value}\u0001`;
  return key;
}

function storeMatchersOf(matchers: readonly Matcher[]): Matcher[] {
  return matchers.map((m) =>
    m.type === '=~' || m.type === '!~' ? { ...m, value: re2ForStore(m.value) } : m,
  );
}

/** Keeps a series read from the store if it has samples; returns how many. */
function keep(s: SeriesData, out: RawSeries[]): number {
  const hn = s.ht?.length ?? 0;
  if (s.t.length === 0 && hn === 0) return 0;
  out.push(
    hn > 0 ? { labels: s.labels, t: s.t, v: s.v, ht: s.ht, h: s.h } : { labels: s.labels, t: s.t, v: s.v },
  );
  return s.t.length + hn;
}

function inLabelOrder(out: RawSeries[]): RawSeries[] {
  for (const s of out) keyOf(s);
  return out.sort((a, b) => (a.key! < b.key! ? -1 : a.key! > b.key! ? 1 : 0));
}

/** Reads the store: series in label order (keyed), and how many samples they hold. */
function readSeries(
  q: QueryContext,
  matchers: readonly Matcher[],
  mint: number,
  maxt: number,
): { series: RawSeries[]; samples: number } {
  const out: RawSeries[] = [];
  let total = 0;
  // No step hint: PromQL needs raw samples; a coarser tier would change rate() and friends.
  for (const s of q.querier.select(storeMatchersOf(matchers), mint, maxt)) {
    total += keep(s, out);
    q.check();
  }
  return { series: inLabelOrder(out), samples: total };
}

/** readSeries, yielding the event loop whenever `sliceMs` of reading has passed. */
export async function readSeriesStepwise(
  q: QueryContext,
  matchers: readonly Matcher[],
  mint: number,
  maxt: number,
  sliceMs: number,
): Promise<{ series: RawSeries[]; samples: number }> {
  const out: RawSeries[] = [];
  let total = 0;
  let since = performance.now();
  for (const s of q.querier.select(storeMatchersOf(matchers), mint, maxt)) {
    total += keep(s, out);
    if (performance.now() - since > sliceMs) {
      await yieldToLoop();
      q.checkNow();
      since = performance.now();
    }
  }
  return { series: inLabelOrder(out), samples: total };
}

/**
 * An instant-vector selector at every step: the latest sample within the
 * lookback window, unless it is a stale marker. With `timestamps`, each
 * sample's value is its own timestamp in seconds (for timestamp()).
 */
export function evalVectorSelector(ev: Evaluator, vs: VectorSelector, timestamps: boolean): VectorValue {
  const at = ev.atMs(vs.at);
  const lookback = ev.q.limits.lookbackDeltaMs;
  const refFirst = (at ?? ev.start) - vs.offsetMs;
  const refLast = (at ?? ev.time(ev.steps - 1)) - vs.offsetMs;
  const raw = selectSeries(ev, vs.matchers, refFirst - lookback, refLast);
  const out: StepSeries[] = [];
  const n = ev.steps;
  for (const s of raw) {
    const v = new Float64Array(n);
    const has = new Uint8Array(n);
    const t = s.t;
    const sv = s.v;
    const len = t.length;
    let j = 0;
    let count = 0;
    if (at !== null) {
      const ref = at - vs.offsetMs;
      while (j < len && t[j] <= ref) j++;
      const k = j - 1;
      if (k >= 0 && t[k] >= ref - lookback) {
        const x = sv[k];
        if (!Number.isNaN(x) || !staleBits(x)) {
          v.fill(timestamps ? t[k] / 1000 : x);
          has.fill(1);
          count = n;
        }
      }
    } else {
      for (let i = 0; i < n; i++) {
        const ref = ev.start + i * ev.step - vs.offsetMs;
        while (j < len && t[j] <= ref) j++;
        const k = j - 1;
        if (k < 0 || t[k] < ref - lookback) continue;
        const x = sv[k];
        if (Number.isNaN(x) && staleBits(x)) continue;
        v[i] = timestamps ? t[k] / 1000 : x;
        has[i] = 1;
        count++;
      }
    }
    const h =
      s.ht && s.ht.length > 0 && !timestamps ? histogramSteps(ev, s, at, vs.offsetMs, v, has) : undefined;
    if (h) count++;
    if (count > 0)
      out.push(h ? { labels: s.labels, v, has, key: s.key, h } : { labels: s.labels, v, has, key: s.key });
  }
  ev.q.account(out.length * n);
  return { type: 'vector', series: out };
}

/**
 * Overlays a series' native-histogram samples on its float steps: at each
 * step the newer of the two latest samples wins. Returns the histogram per
 * step, or undefined when no step took one.
 */
function histogramSteps(
  ev: Evaluator,
  s: RawSeries,
  at: number | null,
  offsetMs: number,
  v: Float64Array,
  has: Uint8Array,
): (FHist | undefined)[] | undefined {
  const lookback = ev.q.limits.lookbackDeltaMs;
  const ht = s.ht!;
  const hs = s.h!;
  let out: (FHist | undefined)[] | undefined;
  const cache = new Map<number, FHist>();
  let j = 0;
  let k = 0;
  for (let i = 0; i < ev.steps; i++) {
    const ref = (at ?? ev.start + i * ev.step) - offsetMs;
    while (j < ht.length && ht[j] <= ref) j++;
    while (k < s.t.length && s.t[k] <= ref) k++;
    const hj = j - 1;
    if (hj < 0 || ht[hj] < ref - lookback) continue;
    if (k > 0 && s.t[k - 1] > ht[hj]) continue;
    if (staleBits(hs[hj].sum) && Number.isNaN(hs[hj].sum)) {
      has[i] = 0;
      continue;
    }
    let fh = cache.get(hj);
    if (!fh) cache.set(hj, (fh = fromSample(hs[hj])));
    out ??= new Array(ev.steps);
    out[i] = fh;
    v[i] = Number.NaN;
    has[i] = 1;
  }
  return out;
}

export function evalMatrixSelector(ev: Evaluator, ms: MatrixSelector): MatrixValue {
  const vs = ms.selector;
  const at = ev.atMs(vs.at);
  const endFirst = (at ?? ev.start) - vs.offsetMs;
  const endLast = (at ?? ev.time(ev.steps - 1)) - vs.offsetMs;
  const raw = selectSeries(ev, vs.matchers, endFirst - ms.rangeMs, endLast);
  const series: RawSeries[] = [];
  for (const s of raw) {
    const clean = stripStale(s);
    if (clean.t.length > 0 || (clean.ht?.length ?? 0) > 0) series.push(clean);
  }
  return { type: 'matrix', series, rangeMs: ms.rangeMs, offsetMs: vs.offsetMs, atMs: at };
}

export function evalSubquery(ev: Evaluator, sq: Subquery): MatrixValue {
  const at = ev.atMs(sq.at);
  const outerStart = at ?? ev.start;
  const outerEnd = at ?? ev.time(ev.steps - 1);
  const step = sq.stepMs || ev.q.limits.subqueryStepMs;
  const from = outerStart - sq.offsetMs - sq.rangeMs;
  const innerStart = Math.ceil(from / step) * step;
  const innerEnd = outerEnd - sq.offsetMs;
  const series: RawSeries[] = [];
  if (innerStart <= innerEnd) {
    const inner = new Evaluator(ev.q, innerStart, innerEnd, step);
    const val = inner.evalVector(sq.expr);
    for (const s of val.series) {
      let count = 0;
      for (let i = 0; i < inner.steps; i++) count += s.has[i];
      if (count === 0) continue;
      const t = new Float64Array(count);
      const v = new Float64Array(count);
      let k = 0;
      for (let i = 0; i < inner.steps; i++) {
        if (!s.has[i]) continue;
        t[k] = inner.time(i);
        v[k++] = s.v[i];
      }
      if (s.h) {
        const ht: number[] = [];
        const hs: ReturnType<typeof toSample>[] = [];
        const ft: number[] = [];
        const fv: number[] = [];
        for (let x = 0; x < t.length; x++) {
          const hist = s.h[Math.round((t[x] - inner.start) / step)];
          if (hist) {
            ht.push(t[x]);
            hs.push(toSample(hist));
          } else {
            ft.push(t[x]);
            fv.push(v[x]);
          }
        }
        series.push({
          labels: s.labels,
          t: Float64Array.from(ft),
          v: Float64Array.from(fv),
          key: s.key,
          ht: Float64Array.from(ht),
          h: hs,
        });
      } else series.push({ labels: s.labels, t, v, key: s.key });
    }
  }
  return { type: 'matrix', series, rangeMs: sq.rangeMs, offsetMs: sq.offsetMs, atMs: at };
}

/** Drops stale markers from a raw series (copies only when there are any). */
export function stripStale(s: RawSeries): RawSeries {
  const v = s.v;
  let stale = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (Number.isNaN(x) && staleBits(x)) stale++;
  }
  if (s.h?.some((h) => Number.isNaN(h.sum) && staleBits(h.sum))) {
    const keep = s.h.map((h) => !(Number.isNaN(h.sum) && staleBits(h.sum)));
    s = { ...s, ht: s.ht!.filter((_, i) => keep[i]), h: s.h.filter((_, i) => keep[i]) };
  }
  if (stale === 0) return s;
  const n = v.length - stale;
  const t2 = new Float64Array(n);
  const v2 = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (Number.isNaN(x) && staleBits(x)) continue;
    t2[k] = s.t[i];
    v2[k++] = x;
  }
  return { ...s, t: t2, v: v2 };
}
