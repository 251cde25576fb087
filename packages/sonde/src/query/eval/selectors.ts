// Selectors: instant-vector selectors with lookback and staleness, range
// selectors, and subqueries. Each reads the store once for all steps.
import { STALE_NAN_BITS_HI } from '../../storage/labels.js';
import type { Matcher } from '../../storage/types.js';
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

/** Series matching the matchers with samples in [mint, maxt], in label order; counts the samples. */
export function selectSeries(
  ev: Evaluator,
  matchers: readonly Matcher[],
  mint: number,
  maxt: number,
): RawSeries[] {
  const storeMatchers = matchers.map((m) =>
    m.type === '=~' || m.type === '!~' ? { ...m, value: re2ForStore(m.value) } : m,
  );
  const out: RawSeries[] = [];
  let total = 0;
  // No step hint: PromQL needs raw samples; a coarser tier would change rate() and friends.
  for (const s of ev.q.querier.select(storeMatchers, mint, maxt)) {
    const hn = s.ht?.length ?? 0;
    if (s.t.length === 0 && hn === 0) continue;
    out.push(
      hn > 0 ? { labels: s.labels, t: s.t, v: s.v, ht: s.ht, h: s.h } : { labels: s.labels, t: s.t, v: s.v },
    );
    total += s.t.length + hn;
    ev.q.check();
  }
  ev.q.account(total);
  for (const s of out) keyOf(s);
  out.sort((a, b) => (a.key! < b.key! ? -1 : a.key! > b.key! ? 1 : 0));
  return out;
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
