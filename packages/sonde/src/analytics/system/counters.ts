// Counter and gauge reductions over one window of raw samples, the building
// blocks of the USE and application views. Counter resets (a drop) count the
// new value as the increase, as Prometheus' increase() does (without its
// extrapolation to the window edges: the figures here are what was observed).
import type { Labels, SeriesData } from '../../storage/types.js';

/** Series of one metric within the analysis window; [] when the store has none. */
export type MetricSource = (metric: string) => readonly SeriesData[];

export function increase(v: ArrayLike<number>): number {
  let inc = 0;
  let prev = Number.NaN;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!Number.isFinite(x)) continue;
    if (Number.isFinite(prev)) inc += x >= prev ? x - prev : x;
    prev = x;
  }
  return inc;
}

/** Per-second rate between the first and last finite samples; NaN with fewer than two. */
export function rate(t: ArrayLike<number>, v: ArrayLike<number>): number {
  let first = -1;
  let last = -1;
  for (let i = 0; i < v.length; i++)
    if (Number.isFinite(v[i])) {
      if (first < 0) first = i;
      last = i;
    }
  if (first < 0 || last <= first || t[last] <= t[first]) return Number.NaN;
  return increase(Array.prototype.slice.call(v, first, last + 1)) / ((t[last] - t[first]) / 1000);
}

export function mean(v: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < v.length; i++)
    if (Number.isFinite(v[i])) {
      s += v[i];
      n++;
    }
  return n ? s / n : Number.NaN;
}

export function lastFinite(v: ArrayLike<number>): number {
  for (let i = v.length - 1; i >= 0; i--) if (Number.isFinite(v[i])) return v[i];
  return Number.NaN;
}

/** Sum of f over series, skipping NaN; NaN when no series gave a number. */
export function sumOver(series: readonly SeriesData[], f: (s: SeriesData) => number): number {
  let total = 0;
  let any = false;
  for (const s of series) {
    const x = f(s);
    if (Number.isFinite(x)) {
      total += x;
      any = true;
    }
  }
  return any ? total : Number.NaN;
}

/** Groups series by the values of `by` (a key string and the shared labels). */
export function groupBy(
  series: readonly SeriesData[],
  by: readonly string[],
): Map<string, { labels: Labels; series: SeriesData[] }> {
  const out = new Map<string, { labels: Labels; series: SeriesData[] }>();
  for (const s of series) {
    const labels: Record<string, string> = {};
    for (const k of by) labels[k] = s.labels[k] ?? '';
    const key = by.map((k) => labels[k]).join('\u0000');
    let g = out.get(key);
    if (!g) out.set(key, (g = { labels, series: [] }));
    g.series.push(s);
  }
  return out;
}
