export {
  fitHoltWinters,
  forecastHoltWinters,
  HoltWinters,
  holtWintersForecast,
  type HoltWintersForecast,
  type HoltWintersParams,
} from './holt-winters.js';
export {
  fitLinear,
  forecastLinear,
  predictLinear,
  tQuantile,
  type ForecastPoint,
  type LinearFit,
} from './linear.js';
export {
  autocorrelation,
  CANDIDATE_PERIODS_MS,
  detectPeriod,
  detrend,
  medianStep,
  type DetectedPeriod,
} from './period.js';
export { timeToThreshold, timeToThresholdInterval, type ThresholdEta } from './threshold.js';
