// Period comparison: a window against a baseline window (the previous period,
// the same hour last week, before/after a deployment). Medians and
// percentiles side by side, a Mann–Whitney U test, and a verdict that needs
// both significance and a minimum effect size — a 0.3% shift over a million
// samples is "significant" and still no change worth a page.
import { mannWhitney } from './mann-whitney.js';
import { quantileSorted, sortedFinite } from './summary.js';

export type Verdict = 'regression' | 'improvement' | 'no significant change';

export interface CompareOptions {
  /** Significance level of the test (default 0.01). */
  readonly alpha?: number;
  /** Minimum relative change of the median to call a change (default 0.05 = 5%). */
  readonly minEffect?: number;
  /** Whether a larger value is worse (latency, errors: true, the default; throughput: false). */
  readonly higherIsWorse?: boolean;
}

export interface PercentileChange {
  readonly q: number;
  readonly baseline: number;
  readonly current: number;
  /** (current - baseline) / |baseline|; NaN when the baseline is 0. */
  readonly relative: number;
}

export interface Comparison {
  readonly verdict: Verdict;
  readonly baselineCount: number;
  readonly currentCount: number;
  readonly medianChange: PercentileChange;
  readonly percentiles: readonly PercentileChange[];
  readonly p: number;
  readonly z: number;
  /** P(current > baseline): 0.5 = no shift. */
  readonly probabilityGreater: number;
  readonly explanation: string;
}

const QS = [0.5, 0.9, 0.95, 0.99];

export function comparePeriods(
  baseline: ArrayLike<number>,
  current: ArrayLike<number>,
  o: CompareOptions = {},
): Comparison {
  const alpha = o.alpha ?? 0.01;
  const minEffect = o.minEffect ?? 0.05;
  const higherIsWorse = o.higherIsWorse ?? true;
  const b = sortedFinite(baseline);
  const c = sortedFinite(current);
  const pct = (q: number): PercentileChange => {
    const bv = quantileSorted(b, q);
    const cv = quantileSorted(c, q);
    return {
      q,
      baseline: bv,
      current: cv,
      relative: bv !== 0 ? (cv - bv) / Math.abs(bv) : cv === 0 ? 0 : Number.NaN,
    };
  };
  const percentiles = QS.map(pct);
  const med = percentiles[0];
  const mw = mannWhitney(c, b);
  let verdict: Verdict = 'no significant change';
  let why: string;
  const effect = Number.isNaN(med.relative)
    ? med.current !== med.baseline
      ? Infinity
      : 0
    : Math.abs(med.relative);
  if (b.length < 8 || c.length < 8)
    why = `too few samples (${b.length} baseline, ${c.length} current; need 8 each)`;
  else if (!(mw.p < alpha)) why = `p=${fmt(mw.p)} ≥ ${alpha}: the difference may be chance`;
  else if (effect < minEffect)
    why = `significant (p=${fmt(mw.p)}) but the median moved ${(effect * 100).toFixed(1)}% < ${minEffect * 100}%`;
  else {
    const up = med.current > med.baseline || (med.current === med.baseline && mw.probabilityGreater > 0.5);
    verdict = up === higherIsWorse ? 'regression' : 'improvement';
    why = `median ${fmt(med.baseline)} → ${fmt(med.current)} (${signed(med.relative)}), p=${fmt(mw.p)}`;
  }
  return {
    verdict,
    baselineCount: b.length,
    currentCount: c.length,
    medianChange: med,
    percentiles,
    p: mw.p,
    z: mw.z,
    probabilityGreater: mw.probabilityGreater,
    explanation: why,
  };
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && Math.abs(x) < 1e-3) return x.toExponential(2);
  return Number(x.toPrecision(4)).toString();
}

function signed(r: number): string {
  return Number.isFinite(r) ? `${r >= 0 ? '+' : ''}${(r * 100).toFixed(1)}%` : 'from 0';
}
