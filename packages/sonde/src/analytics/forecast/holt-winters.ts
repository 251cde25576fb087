// Additive Holt–Winters (level + trend + seasonal index), online: one update
// per point, O(1), m floats of state. With m = 0 it is Holt's linear method.
// Parameters are chosen by a small grid search on one-step squared error;
// prediction intervals use the classic h-step variance of the additive model,
// σ²·(1 + Σ_{j<h} (α(1 + jβ) + γ·[j mod m = 0])²), σ from one-step errors.
import { normalQuantile } from '../stats/normal.js';
import type { ForecastPoint } from './linear.js';
import { detectPeriod, medianStep } from './period.js';

export interface HoltWintersParams {
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
}

export class HoltWinters {
  level = Number.NaN;
  trend = 0;
  private readonly season: Float64Array;
  private idx = 0;
  private readonly init: number[] = [];
  private sse = 0;
  private errors = 0;

  constructor(
    readonly m: number,
    readonly p: HoltWintersParams,
  ) {
    this.season = new Float64Array(m);
  }

  get ready(): boolean {
    return !Number.isNaN(this.level);
  }

  /** Residual standard deviation of the one-step forecasts so far. */
  get sigma(): number {
    return this.errors > 1 ? Math.sqrt(this.sse / (this.errors - 1)) : Number.NaN;
  }

  get oneStepSse(): number {
    return this.sse;
  }

  /** Learns x (NaN: imputed with the forecast). Returns the one-step error, NaN while initialising. */
  update(x: number): number {
    if (!this.ready) {
      if (Number.isFinite(x)) this.init.push(x);
      if (this.init.length >= Math.max(2 * this.m, 3)) this.initialise();
      return Number.NaN;
    }
    const f = this.forecast(1);
    if (!Number.isFinite(x)) x = f;
    const e = x - f;
    this.sse += e * e;
    this.errors++;
    const { alpha, beta, gamma } = this.p;
    const m = this.m;
    const s = m ? this.season[this.idx] : 0;
    const last = this.level;
    this.level = alpha * (x - s) + (1 - alpha) * (this.level + this.trend);
    this.trend = beta * (this.level - last) + (1 - beta) * this.trend;
    if (m) {
      this.season[this.idx] = gamma * (x - this.level) + (1 - gamma) * s;
      this.idx = (this.idx + 1) % m;
    }
    return e;
  }

  /** The forecast h ≥ 1 steps ahead. */
  forecast(h: number): number {
    const s = this.m ? this.season[(this.idx + h - 1) % this.m] : 0;
    return this.level + h * this.trend + s;
  }

  /** Half-width of the `level` prediction interval h steps ahead. */
  interval(h: number, level = 0.95): number {
    const { alpha, beta, gamma } = this.p;
    let v = 1;
    for (let j = 1; j < h; j++) {
      const c = alpha * (1 + j * beta) + (this.m && j % this.m === 0 ? gamma : 0);
      v += c * c;
    }
    return normalQuantile(0.5 + level / 2) * this.sigma * Math.sqrt(v);
  }

  private initialise(): void {
    const m = this.m;
    const x = this.init;
    if (m) {
      const mean1 = avg(x, 0, m);
      const mean2 = avg(x, m, 2 * m);
      this.trend = (mean2 - mean1) / m;
      for (let i = 0; i < m; i++) this.season[i] = (x[i] - mean1 + x[i + m] - mean2) / 2;
      this.level = mean2 + ((m - 1) / 2) * this.trend;
      this.idx = x.length % m;
    } else {
      this.level = x[x.length - 1];
      this.trend = (x[x.length - 1] - x[0]) / (x.length - 1);
    }
    this.init.length = 0;
  }
}

function avg(x: number[], from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i];
  return s / (to - from);
}

const GRID_ALPHA = [0.05, 0.1, 0.2, 0.4, 0.7];
const GRID_BETA = [0, 0.01, 0.05];
const GRID_GAMMA = [0.05, 0.15, 0.3];

/** Grid search of (α, β, γ) on one-step squared error over v. */
export function fitHoltWinters(v: ArrayLike<number>, m: number): HoltWintersParams {
  let best: HoltWintersParams = { alpha: 0.2, beta: 0.01, gamma: 0.15 };
  let bestSse = Number.POSITIVE_INFINITY;
  for (const alpha of GRID_ALPHA)
    for (const beta of GRID_BETA)
      for (const gamma of m ? GRID_GAMMA : [0]) {
        const hw = new HoltWinters(m, { alpha, beta, gamma });
        for (let i = 0; i < v.length; i++) hw.update(v[i]);
        if (hw.oneStepSse < bestSse) {
          bestSse = hw.oneStepSse;
          best = { alpha, beta, gamma };
        }
      }
  return best;
}

export interface HoltWintersForecast {
  readonly periodMs: number;
  readonly params: HoltWintersParams;
  /** Spacing of the forecast points: the data's median step, or coarser (see `note`). */
  readonly stepMs: number;
  readonly points: readonly ForecastPoint[];
  /** Why the step is coarser than the data's, when it is. */
  readonly note?: string;
}

/** Series longer than this are averaged into buckets first (the seasonal array stays ≤ ~MAX_M). */
const MAX_M = 288;
/** Most points the model is fitted on (45 grid passes each); longer series are bucket-averaged. */
export const MAX_FIT_POINTS = 100_000;
/** Most forecast points per series, as Prometheus's limit on points per series of a range query. */
export const MAX_FORECAST_POINTS = 11_000;

interface FittedModel {
  readonly hw: HoltWinters;
  readonly m: number;
  readonly periodMs: number;
  readonly params: HoltWintersParams;
  /** Model step (ms) and the number of steps to the horizon. */
  readonly step: number;
  readonly steps: number;
}

interface Fit {
  readonly model: FittedModel | null;
  /** Why the step is coarser than the data's, or why there is no forecast. */
  readonly note?: string;
}

function bucketAverages(v: Float64Array, k: number): Float64Array {
  const out = new Float64Array(Math.floor(v.length / k));
  for (let b = 0; b < out.length; b++) {
    let sum = 0;
    for (let i = b * k; i < b * k + k; i++) sum += v[i];
    out[b] = sum / k;
  }
  return out;
}

/**
 * Fits the model at the series' median step, coarsened (bucket averages) as
 * needed so that the seasonal array, the points fitted and the steps to the
 * horizon (`maxSteps`) all stay bounded, whatever the series and horizon.
 */
function fitForHorizon(t: Float64Array, v: Float64Array, horizonMs: number, maxSteps: number): Fit {
  const dataStep = medianStep(t);
  if (!(dataStep > 0) || t.length < 4) return { model: null };
  const period = detectPeriod(t, v);
  let k = 1;
  if (period && period.lag > MAX_M) k = Math.ceil(period.lag / MAX_M);
  k = Math.max(k, Math.ceil(v.length / MAX_FIT_POINTS));
  const forHorizon = Math.ceil(horizonMs / dataStep / maxSteps);
  let note: string | undefined;
  if (forHorizon > k) {
    k = forHorizon;
    const wanted = Math.round(horizonMs / dataStep);
    if (!(k <= v.length / 4))
      return {
        model: null,
        note:
          `the horizon would be ${wanted} points at the data's ${dataStep / 1000}s step, and a step coarse enough ` +
          `to stay within ${maxSteps} points per series leaves too few points of the window to fit: ` +
          'widen the window or shorten the horizon',
      };
    note =
      `the horizon would be ${wanted} points at the data's ${dataStep / 1000}s step; ` +
      `forecast at a ${(k * dataStep) / 1000}s step to stay within ${maxSteps} points per series`;
  }
  const series = k > 1 ? bucketAverages(v, k) : v;
  const step = dataStep * k;
  let m = period ? Math.round(period.periodMs / step) : 0;
  if (m * 2 > series.length) m = 0;
  const params = fitHoltWinters(series, m);
  const hw = new HoltWinters(m, params);
  for (let i = 0; i < series.length; i++) hw.update(series[i]);
  if (!hw.ready) return { model: null, note };
  const steps = Math.max(1, Math.round(horizonMs / step));
  return { model: { hw, m, periodMs: m ? (period?.periodMs ?? 0) : 0, params, step, steps }, note };
}

/**
 * Forecasts `horizonMs` past the last sample, with seasonality detected
 * (hour, day or week), at the series' median step; one point per step, at
 * most `maxPoints` (a longer horizon is forecast at a coarser step). `note`
 * says why the step is coarser, or why there is no forecast.
 */
export function holtWintersForecastNoted(
  t: Float64Array,
  v: Float64Array,
  horizonMs: number,
  level = 0.95,
  maxPoints = MAX_FORECAST_POINTS,
): { forecast: HoltWintersForecast | null; note?: string } {
  const { model: fit, note } = fitForHorizon(t, v, horizonMs, maxPoints);
  if (!fit) return { forecast: null, note };
  const { hw, step, steps } = fit;
  const last = t[t.length - 1];
  const points: ForecastPoint[] = [];
  // The h-step variance factor 1 + Σ_{j<h} c_j², accumulated (hw.interval(h) alone is O(h)).
  const { alpha, beta, gamma } = hw.p;
  const z = normalQuantile(0.5 + level / 2) * hw.sigma;
  let factor = 1;
  for (let h = 1; h <= steps; h++) {
    if (h > 1) {
      const j = h - 1;
      const c = alpha * (1 + j * beta) + (fit.m && j % fit.m === 0 ? gamma : 0);
      factor += c * c;
    }
    const value = hw.forecast(h);
    const half = z * Math.sqrt(factor);
    points.push({ t: last + h * step, value, lower: value - half, upper: value + half });
  }
  const forecast = {
    periodMs: fit.periodMs,
    params: fit.params,
    stepMs: step,
    points,
    ...(note ? { note } : {}),
  };
  return { forecast, note };
}

/** holtWintersForecastNoted's forecast alone. */
export function holtWintersForecast(
  t: Float64Array,
  v: Float64Array,
  horizonMs: number,
  level = 0.95,
  maxPoints = MAX_FORECAST_POINTS,
): HoltWintersForecast | null {
  return holtWintersForecastNoted(t, v, horizonMs, level, maxPoints).forecast;
}

/** PromQL extension `forecast_holt_winters(v[range], horizon)`: the value expected `horizonMs` after the last sample. */
export function forecastHoltWinters(t: Float64Array, v: Float64Array, horizonMs: number): number {
  // Only the last point is needed, and forecast(h) is O(1): no limit on the steps.
  const { model } = fitForHorizon(t, v, horizonMs, Number.POSITIVE_INFINITY);
  return model ? model.hw.forecast(model.steps) : Number.NaN;
}
