export {
  AnomalyDetector,
  DEFAULT_DETECTOR_CONFIG,
  type AnomalyPoint,
  type DetectorConfig,
  type Detector,
} from './ensemble.js';
export { anomalyScore, scoreSeries, type SeriesScores } from './series.js';
export { RollingWindow } from './rolling-window.js';
export { SeasonalProfile } from './seasonality.js';
export { Cusum } from './cusum.js';
export { TailCalibrator } from './tail-calibrator.js';
export { detectCsv, parseSeriesCsv, parseTimestamp, type CsvSeries } from './csv.js';
export {
  AnomalyService,
  type AnomalyServiceOptions,
  RATE_METRIC,
  SCORE_METRIC,
  type TickStats,
} from './service.js';
