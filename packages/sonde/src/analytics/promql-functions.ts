// sonde's PromQL extensions, registered into the engine's function table:
//   anomaly_score(v[range])              the ensemble score of the newest point against the window, 0..1
//   forecast_linear(v[range], s)          the linear forecast s seconds after the window's last sample
//   forecast_holt_winters(v[range], s)    the same with additive Holt-Winters (seasonality detected)
//   time_to_threshold(v[range], x)        seconds until the linear trend reaches x (+Inf: moving away)
//   trend_slope(v[range])                 Theil–Sen slope per second
// The continuously computed score is also stored as sonde_anomaly_score{metric=...}.
import { registerFunction } from '../query/index.js';
import { anomalyScore } from './anomaly/index.js';
import { forecastHoltWinters, forecastLinear, timeToThreshold } from './forecast/index.js';
import { trendSlope } from './stats/index.js';

let registered = false;

export function registerAnalyticsFunctions(): void {
  if (registered) return;
  registered = true;
  const finite = (x: number) => (Number.isNaN(x) ? undefined : x);
  registerFunction('anomaly_score', {
    argTypes: ['matrix'],
    returnType: 'vector',
    overRange: (w) =>
      w.hi - w.lo < 8 ? undefined : finite(anomalyScore(w.t.subarray(w.lo, w.hi), w.v.subarray(w.lo, w.hi))),
  });
  registerFunction('forecast_linear', {
    argTypes: ['matrix', 'scalar'],
    returnType: 'vector',
    overRange: (w) =>
      w.hi - w.lo < 2
        ? undefined
        : finite(forecastLinear(w.t.subarray(w.lo, w.hi), w.v.subarray(w.lo, w.hi), w.args[1] * 1000)),
  });
  registerFunction('forecast_holt_winters', {
    argTypes: ['matrix', 'scalar'],
    returnType: 'vector',
    overRange: (w) =>
      w.hi - w.lo < 2
        ? undefined
        : finite(forecastHoltWinters(w.t.subarray(w.lo, w.hi), w.v.subarray(w.lo, w.hi), w.args[1] * 1000)),
  });
  registerFunction('time_to_threshold', {
    argTypes: ['matrix', 'scalar'],
    returnType: 'vector',
    overRange: (w) =>
      w.hi - w.lo < 2
        ? undefined
        : finite(timeToThreshold(w.t.subarray(w.lo, w.hi), w.v.subarray(w.lo, w.hi), w.args[1])),
  });
  registerFunction('trend_slope', {
    argTypes: ['matrix'],
    returnType: 'vector',
    overRange: (w) =>
      w.hi - w.lo < 2 ? undefined : finite(trendSlope(w.t.subarray(w.lo, w.hi), w.v.subarray(w.lo, w.hi))),
  });
}
