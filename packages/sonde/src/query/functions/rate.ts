// Counter and gauge change functions over range vectors: rate, increase,
// delta with Prometheus's extrapolation; irate, idelta; deriv, predict_linear;
// holt_winters; changes, resets.
import { QueryError } from '../types.js';
import { type FHist, addHist, detectReset, scaleHist, subHist } from '../eval/histogram.js';
import { type HistogramWindow, type RangeWindow, registerFunction } from './registry.js';

function extrapolatedRate(w: RangeWindow, isCounter: boolean, isRate: boolean): number | undefined {
  const { t, v, lo, hi } = w;
  const count = hi - lo;
  if (count < 2) return undefined;
  const first = v[lo];
  const last = v[hi - 1];
  let result = last - first;
  if (isCounter) {
    let prev = first;
    for (let i = lo + 1; i < hi; i++) {
      const cur = v[i];
      if (cur < prev) result += prev;
      prev = cur;
    }
  }
  const tFirst = t[lo];
  const tLast = t[hi - 1];
  let durationToStart = (tFirst - w.startMs) / 1000;
  const durationToEnd = (w.endMs - tLast) / 1000;
  const sampledInterval = (tLast - tFirst) / 1000;
  const averageDurationBetweenSamples = sampledInterval / (count - 1);
  if (isCounter && result > 0 && first >= 0) {
    const durationToZero = sampledInterval * (first / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  const threshold = averageDurationBetweenSamples * 1.1;
  let extrapolateToInterval = sampledInterval;
  extrapolateToInterval += durationToStart < threshold ? durationToStart : averageDurationBetweenSamples / 2;
  extrapolateToInterval += durationToEnd < threshold ? durationToEnd : averageDurationBetweenSamples / 2;
  let factor = extrapolateToInterval / sampledInterval;
  if (isRate) factor /= w.rangeMs / 1000;
  return result * factor;
}

/** rate/increase/delta over native histograms: the change, reset-corrected, extrapolated like floats. */
function histogramRate(w: HistogramWindow, isCounter: boolean, isRate: boolean): FHist | undefined {
  const { t, h, lo, hi } = w;
  const count = hi - lo;
  if (count < 2) return undefined;
  let result = subHist(h[hi - 1], h[lo]);
  if (isCounter) {
    let prev = h[lo];
    for (let i = lo + 1; i < hi; i++) {
      if (detectReset(h[i], prev)) result = addHist(result, prev);
      prev = h[i];
    }
  }
  const durationToStart = (t[lo] - w.startMs) / 1000;
  const durationToEnd = (w.endMs - t[hi - 1]) / 1000;
  const sampledInterval = (t[hi - 1] - t[lo]) / 1000;
  const avg = sampledInterval / (count - 1);
  const threshold = avg * 1.1;
  let interval = sampledInterval;
  interval += durationToStart < threshold ? durationToStart : avg / 2;
  interval += durationToEnd < threshold ? durationToEnd : avg / 2;
  let factor = interval / sampledInterval;
  if (isRate) factor /= w.rangeMs / 1000;
  return scaleHist(result, factor);
}

function instantValue(w: RangeWindow, isRate: boolean): number | undefined {
  const { t, v, hi } = w;
  if (hi - w.lo < 2) return undefined;
  const last = v[hi - 1];
  const prev = v[hi - 2];
  const result = isRate && last < prev ? last : last - prev;
  const interval = t[hi - 1] - t[hi - 2];
  if (interval === 0) return undefined;
  return isRate ? result / (interval / 1000) : result;
}

export function kahanSumInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (Math.abs(sum) >= Math.abs(inc)) c += sum - t + inc;
  else c += inc - t + sum;
  return [t, c];
}

/** Least-squares slope and intercept (at interceptTime) of a window, as Prometheus computes them. */
export function linearRegression(w: RangeWindow, interceptTime: number): [number, number] {
  const { t, v, lo, hi } = w;
  let n = 0;
  let sumX = 0;
  let cX = 0;
  let sumY = 0;
  let cY = 0;
  let sumXY = 0;
  let cXY = 0;
  let sumX2 = 0;
  let cX2 = 0;
  const initY = v[lo];
  let constY = true;
  for (let i = lo; i < hi; i++) {
    const y = v[i];
    if (constY && i > lo && y !== initY) constY = false;
    n += 1;
    const x = (t[i] - interceptTime) / 1e3;
    [sumX, cX] = kahanSumInc(x, sumX, cX);
    [sumY, cY] = kahanSumInc(y, sumY, cY);
    [sumXY, cXY] = kahanSumInc(x * y, sumXY, cXY);
    [sumX2, cX2] = kahanSumInc(x * x, sumX2, cX2);
  }
  if (constY) {
    if (initY === Infinity || initY === -Infinity) return [Number.NaN, Number.NaN];
    return [0, initY];
  }
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  const intercept = sumY / n - (slope * sumX) / n;
  return [slope, intercept];
}

function fmtFactor(x: number): string {
  return x.toFixed(6);
}

export function registerRateFunctions(): void {
  registerFunction('rate', {
    argTypes: ['matrix'],
    returnType: 'vector',
    overRange: (w) => extrapolatedRate(w, true, true),
    overRangeHistogram: (w) => histogramRate(w, true, true),
  });
  registerFunction('increase', {
    argTypes: ['matrix'],
    returnType: 'vector',
    overRange: (w) => extrapolatedRate(w, true, false),
    overRangeHistogram: (w) => histogramRate(w, true, false),
  });
  registerFunction('delta', {
    argTypes: ['matrix'],
    returnType: 'vector',
    overRange: (w) => extrapolatedRate(w, false, false),
    overRangeHistogram: (w) => histogramRate(w, false, false),
  });
  registerFunction('irate', {
    argTypes: ['matrix'],
    returnType: 'vector',
    overRange: (w) => instantValue(w, true),
  });
  registerFunction('idelta', {
    argTypes: ['matrix'],
    returnType: 'vector',
    overRange: (w) => instantValue(w, false),
  });
  registerFunction('deriv', {
    argTypes: ['matrix'],
    returnType: 'vector',
    overRange: (w) => (w.hi - w.lo < 2 ? undefined : linearRegression(w, w.t[w.lo])[0]),
  });
  registerFunction('predict_linear', {
    argTypes: ['matrix', 'scalar'],
    returnType: 'vector',
    overRange: (w) => {
      if (w.hi - w.lo < 2) return undefined;
      const [slope, intercept] = linearRegression(w, w.stepMs);
      return slope * w.args[1] + intercept;
    },
  });
  registerFunction('holt_winters', {
    argTypes: ['matrix', 'scalar', 'scalar'],
    returnType: 'vector',
    overRange: (w) => {
      const sf = w.args[1];
      const tf = w.args[2];
      if (!(sf > 0 && sf < 1))
        throw hwError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${fmtFactor(sf)}`);
      if (!(tf > 0 && tf < 1))
        throw hwError(`invalid trend factor. Expected: 0 < tf < 1, got: ${fmtFactor(tf)}`);
      const { v, lo, hi } = w;
      const l = hi - lo;
      if (l < 2) return undefined;
      let s0 = 0;
      let s1 = v[lo];
      let b = v[lo + 1] - v[lo];
      for (let i = 1; i < l; i++) {
        const x = sf * v[lo + i];
        if (i - 1 !== 0) b = tf * (s1 - s0) + (1 - tf) * b;
        const y = (1 - sf) * (s1 + b);
        s0 = s1;
        s1 = x + y;
      }
      return s1;
    },
  });
  registerFunction('changes', {
    argTypes: ['matrix'],
    returnType: 'vector',
    overRange: ({ v, lo, hi }) => {
      let changes = 0;
      let prev = v[lo];
      for (let i = lo + 1; i < hi; i++) {
        const cur = v[i];
        if (cur !== prev && !(Number.isNaN(cur) && Number.isNaN(prev))) changes++;
        prev = cur;
      }
      return changes;
    },
  });
  registerFunction('resets', {
    argTypes: ['matrix'],
    returnType: 'vector',
    overRange: ({ v, lo, hi }) => {
      let resets = 0;
      let prev = v[lo];
      for (let i = lo + 1; i < hi; i++) {
        const cur = v[i];
        if (cur < prev) resets++;
        prev = cur;
      }
      return resets;
    },
  });
}

function hwError(message: string): Error {
  return new QueryError(message, 'execution');
}
