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
  type Columns = (t: Float64Array, v: Float64Array, arg: number) => number;
  /** A range function over the window's samples; no value for too few samples or NaN. */
  const over = (name: string, minSamples: number, withArg: boolean, fn: Columns) =>
    registerFunction(name, {
      argTypes: withArg ? ['matrix', 'scalar'] : ['matrix'],
      returnType: 'vector',
      overRange: (w) => {
        if (w.hi - w.lo < minSamples) return undefined;
        const x = fn(w.t.subarray(w.lo, w.hi), w.v.subarray(w.lo, w.hi), withArg ? w.args[1] : Number.NaN);
        return Number.isNaN(x) ? undefined : x;
      },
    });
  over('anomaly_score', 8, false, (t, v) => anomalyScore(t, v));
  over('forecast_linear', 2, true, (t, v, s) => forecastLinear(t, v, s * 1000));
  over('forecast_holt_winters', 2, true, (t, v, s) => forecastHoltWinters(t, v, s * 1000));
  over('time_to_threshold', 2, true, (t, v, x) => timeToThreshold(t, v, x));
  over('trend_slope', 2, false, (t, v) => trendSlope(t, v));
}
