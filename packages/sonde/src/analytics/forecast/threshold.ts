// Capacity planning: when will a series cross a threshold? The linear fit's
// mean line gives the estimate; where its 95% prediction band first and
// last meets the threshold gives the interval ("disk full in 3.2 days
// (2.5–4.1)"). The series approaches the threshold from the side its fitted
// value is on now; null when it is moving away (or flat).
import { fitLinear, predictLinear } from './linear.js';

export interface ThresholdEta {
  /** Seconds from the last sample until the fitted line reaches the threshold. */
  readonly seconds: number;
  readonly lowerSeconds: number;
  readonly upperSeconds: number;
  /** Change per second of the fitted line. */
  readonly slopePerSecond: number;
}

export function timeToThresholdInterval(
  t: Float64Array,
  v: Float64Array,
  threshold: number,
  level = 0.95,
): ThresholdEta | null {
  const fit = fitLinear(t, v);
  if (!fit || t.length === 0) return null;
  const last = t[t.length - 1];
  const now = predictLinear(fit, last, level);
  const rising = fit.slope > 0;
  if (now.value === threshold)
    return { seconds: 0, lowerSeconds: 0, upperSeconds: 0, slopePerSecond: fit.slope * 1000 };
  if (fit.slope === 0 || threshold > now.value !== rising) return null;
  const center = (threshold - (fit.intercept + fit.slope * (last - fit.tRef))) / fit.slope;
  // The band edge nearer the threshold crosses first, the farther one last; found by bisection in time.
  const cross = (edge: 'lower' | 'upper', maxMs: number): number => {
    const reached = (dt: number) => {
      const p = predictLinear(fit, last + dt, level);
      return rising ? p[edge] >= threshold : p[edge] <= threshold;
    };
    if (!reached(maxMs)) return Number.POSITIVE_INFINITY;
    let lo = 0;
    let hi = maxMs;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (reached(mid)) hi = mid;
      else lo = mid;
    }
    return hi;
  };
  const early = cross(rising ? 'upper' : 'lower', center * 4);
  const late = cross(rising ? 'lower' : 'upper', center * 4);
  return {
    seconds: center / 1000,
    lowerSeconds: early / 1000,
    upperSeconds: late / 1000,
    slopePerSecond: fit.slope * 1000,
  };
}

/** PromQL extension `time_to_threshold(v[range], threshold)`: seconds until crossing, +Inf if never. */
export function timeToThreshold(t: Float64Array, v: Float64Array, threshold: number): number {
  const eta = timeToThresholdInterval(t, v, threshold);
  return eta ? eta.seconds : Number.POSITIVE_INFINITY;
}
