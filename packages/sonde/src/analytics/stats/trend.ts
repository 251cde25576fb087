// Trends: the Theil–Sen slope (median of pairwise slopes: robust to up to
// ~29% outliers) and the Mann–Kendall test of whether a monotonic trend
// exists at all (tie-corrected variance, normal approximation). Both are
// O(n²) in pairs, so longer series are first reduced to at most `maxPoints`
// bucket medians — a trend over hours does not need every second.
import { twoSidedP } from './normal.js';
import { median } from './summary.js';

export interface Trend {
  /** Slope in value units per second. */
  readonly slopePerSecond: number;
  readonly slopePerHour: number;
  readonly slopePerDay: number;
  /** Value of the fitted line at the last time (median-based intercept). */
  readonly intercept: number;
  /** Mann–Kendall S, z and two-sided p. */
  readonly s: number;
  readonly z: number;
  readonly p: number;
  readonly direction: 'increasing' | 'decreasing' | 'no trend';
  readonly points: number;
}

/** Bucket medians: at most maxPoints (t, v) pairs, each the median of an equal share of the finite points. */
export function reduceSeries(
  t: ArrayLike<number>,
  v: ArrayLike<number>,
  maxPoints: number,
): [Float64Array, Float64Array] {
  const ti: number[] = [];
  const vi: number[] = [];
  for (let i = 0; i < Math.min(t.length, v.length); i++)
    if (Number.isFinite(v[i])) {
      ti.push(t[i]);
      vi.push(v[i]);
    }
  const n = ti.length;
  if (n <= maxPoints) return [Float64Array.from(ti), Float64Array.from(vi)];
  const rt = new Float64Array(maxPoints);
  const rv = new Float64Array(maxPoints);
  for (let b = 0; b < maxPoints; b++) {
    const lo = Math.floor((b * n) / maxPoints);
    const hi = Math.floor(((b + 1) * n) / maxPoints);
    rt[b] = median(ti.slice(lo, hi));
    rv[b] = median(vi.slice(lo, hi));
  }
  return [rt, rv];
}

/** Theil–Sen slope in value units per time unit of t. NaN with fewer than 2 distinct times. */
export function theilSen(t: ArrayLike<number>, v: ArrayLike<number>): number {
  const slopes: number[] = [];
  for (let i = 0; i < t.length; i++)
    for (let j = i + 1; j < t.length; j++) if (t[j] !== t[i]) slopes.push((v[j] - v[i]) / (t[j] - t[i]));
  return slopes.length ? median(slopes) : Number.NaN;
}

export function mannKendall(v: ArrayLike<number>): { s: number; z: number; p: number } {
  const n = v.length;
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += Math.sign(v[j] - v[i]);
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) counts.set(v[i], (counts.get(v[i]) ?? 0) + 1);
  let tie = 0;
  for (const c of counts.values()) if (c > 1) tie += c * (c - 1) * (2 * c + 5);
  const variance = (n * (n - 1) * (2 * n + 5) - tie) / 18;
  const z =
    variance > 0 ? (s > 0 ? (s - 1) / Math.sqrt(variance) : s < 0 ? (s + 1) / Math.sqrt(variance) : 0) : 0;
  return { s, z, p: variance > 0 ? twoSidedP(z) : 1 };
}

/** Trend of a series with t in ms. `alpha` is the significance level for calling a direction. */
export function trend(
  t: ArrayLike<number>,
  v: ArrayLike<number>,
  opts: { alpha?: number; maxPoints?: number } = {},
): Trend {
  const [rt, rv] = reduceSeries(t, v, opts.maxPoints ?? 400);
  const perMs = theilSen(rt, rv);
  const mk = mannKendall(rv);
  const alpha = opts.alpha ?? 0.05;
  const last = rt.length ? rt[rt.length - 1] : Number.NaN;
  const intercepts: number[] = [];
  for (let i = 0; i < rt.length; i++) intercepts.push(rv[i] - perMs * (rt[i] - last));
  const perSecond = perMs * 1000;
  return {
    slopePerSecond: perSecond,
    slopePerHour: perSecond * 3600,
    slopePerDay: perSecond * 86400,
    intercept: intercepts.length ? median(intercepts) : Number.NaN,
    s: mk.s,
    z: mk.z,
    p: mk.p,
    direction: mk.p < alpha ? (mk.s > 0 ? 'increasing' : 'decreasing') : 'no trend',
    points: rt.length,
  };
}

/** PromQL extension `trend_slope(v[range])`: Theil–Sen slope per second, t in ms. */
export function trendSlope(t: Float64Array, v: Float64Array): number {
  return trend(t, v).slopePerSecond;
}
