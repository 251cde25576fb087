// Linear forecasting: least squares over (t, v) with the textbook prediction
// interval ŷ ± t(n-2, level) · s · √(1 + 1/n + (x0 − x̄)²/Sxx).
import { normalQuantile } from '../stats/normal.js';

export interface LinearFit {
  /** Slope per ms and value at t = tRef. */
  readonly slope: number;
  readonly intercept: number;
  readonly tRef: number;
  /** Residual standard error. */
  readonly s: number;
  readonly n: number;
  readonly meanT: number;
  readonly sxx: number;
}

export interface ForecastPoint {
  readonly t: number;
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
}

export function fitLinear(t: ArrayLike<number>, v: ArrayLike<number>): LinearFit | null {
  let n = 0;
  let mt = 0;
  let mv = 0;
  const tRef = t.length ? t[0] : 0;
  for (let i = 0; i < t.length; i++)
    if (Number.isFinite(v[i])) {
      n++;
      mt += (t[i] - tRef - mt) / n;
      mv += (v[i] - mv) / n;
    }
  if (n < 3) return null;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < t.length; i++)
    if (Number.isFinite(v[i])) {
      const dx = t[i] - tRef - mt;
      sxx += dx * dx;
      sxy += dx * (v[i] - mv);
    }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const intercept = mv - slope * mt;
  let sse = 0;
  for (let i = 0; i < t.length; i++)
    if (Number.isFinite(v[i])) {
      const r = v[i] - (intercept + slope * (t[i] - tRef));
      sse += r * r;
    }
  return { slope, intercept, tRef, s: Math.sqrt(sse / (n - 2)), n, meanT: mt, sxx };
}

/** Student-t quantile by the Cornish–Fisher expansion around the normal one (good for ν ≥ 3). */
export function tQuantile(p: number, nu: number): number {
  const z = normalQuantile(p);
  if (!Number.isFinite(nu) || nu > 1e6) return z;
  const z3 = z * z * z;
  const z5 = z3 * z * z;
  return z + (z3 + z) / (4 * nu) + (5 * z5 + 16 * z3 + 3 * z) / (96 * nu * nu);
}

export function predictLinear(fit: LinearFit, at: number, level = 0.95): ForecastPoint {
  const x = at - fit.tRef;
  const value = fit.intercept + fit.slope * x;
  const q = tQuantile(0.5 + level / 2, fit.n - 2);
  const half = q * fit.s * Math.sqrt(1 + 1 / fit.n + ((x - fit.meanT) * (x - fit.meanT)) / fit.sxx);
  return { t: at, value, lower: value - half, upper: value + half };
}

/** PromQL extension `forecast_linear(v[range], horizon)`: the value expected `horizonMs` after the last sample. */
export function forecastLinear(t: Float64Array, v: Float64Array, horizonMs: number): number {
  const fit = fitLinear(t, v);
  return fit && t.length ? predictLinear(fit, t[t.length - 1] + horizonMs).value : Number.NaN;
}
