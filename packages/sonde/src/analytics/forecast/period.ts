// Seasonal period detection for forecasting (whole-series, not online): the
// autocorrelation at the lag of each candidate period (an hour, a day, a
// week), measured on the series with its linear trend removed. A period must
// be a peak, not just a smooth series' high correlation at any short lag:
// ACF(lag) ≥ minAcf and ACF(lag) − ACF(lag/2) ≥ minPeak. A longer candidate
// replaces a shorter one only when clearly stronger (a daily series also
// correlates at a week).
import { median } from '../stats/summary.js';

export const CANDIDATE_PERIODS_MS = [3_600_000, 86_400_000, 7 * 86_400_000] as const;

/** Spacings looked at by medianStep at most: a longer series is sampled evenly. */
const MEDIAN_STEP_SAMPLE = 20_000;

/** The median spacing of t (ms), NaN for fewer than 2 points. */
export function medianStep(t: ArrayLike<number>): number {
  const d: number[] = [];
  const stride = Math.max(1, Math.floor((t.length - 1) / MEDIAN_STEP_SAMPLE));
  for (let i = 1; i < t.length; i += stride) if (t[i] > t[i - 1]) d.push(t[i] - t[i - 1]);
  return d.length ? median(d) : Number.NaN;
}

export function autocorrelation(v: ArrayLike<number>, lag: number): number {
  const n = v.length;
  if (lag <= 0 || lag >= n - 2) return Number.NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += v[i];
  mean /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const d = v[i] - mean;
    den += d * d;
    if (i + lag < n) num += d * (v[i + lag] - mean);
  }
  return den > 0 ? num / den : 0;
}

/** Removes the least-squares line (by index). */
export function detrend(v: ArrayLike<number>): Float64Array {
  const n = v.length;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sx += i;
    sy += v[i];
    sxx += i * i;
    sxy += i * v[i];
  }
  const den = n * sxx - sx * sx;
  const b = den ? (n * sxy - sx * sy) / den : 0;
  const a = (sy - b * sx) / n;
  return Float64Array.from({ length: n }, (_, i) => v[i] - a - b * i);
}

export interface DetectedPeriod {
  readonly periodMs: number;
  /** The period in points at the series' median step. */
  readonly lag: number;
  readonly acf: number;
}

/** The strongest seasonal period of a regularly sampled series, or null. */
export function detectPeriod(
  t: ArrayLike<number>,
  v: ArrayLike<number>,
  minAcf = 0.3,
  minPeak = 0.2,
): DetectedPeriod | null {
  const step = medianStep(t);
  if (!(step > 0)) return null;
  const d = detrend(v);
  let best: DetectedPeriod | null = null;
  for (const p of CANDIDATE_PERIODS_MS) {
    const lag = Math.round(p / step);
    if (lag < 2 || lag * 2 > v.length) continue;
    const acf = autocorrelation(d, lag);
    const half = autocorrelation(d, Math.max(1, Math.round(lag / 2)));
    if (acf >= minAcf && acf - half >= minPeak && (!best || acf > best.acf + 0.05))
      best = { periodMs: p, lag, acf };
  }
  return best;
}
