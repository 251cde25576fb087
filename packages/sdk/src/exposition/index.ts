// @sonde/sdk/exposition: the Prometheus text 0.0.4 and OpenMetrics 1.0 writers.
export type { ExpositionFamily, ExpositionSample, FamilyType } from './families.js';
export {
  braces,
  escapeHelp,
  escapeHelpOpenMetrics,
  escapeLabelValue,
  formatLabelPairs,
  formatValue,
  joinPairs,
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_CONTENT_TYPE,
} from './format.js';
export { contentTypeOf, type NegotiatedFormat, negotiate } from './negotiate.js';
export { openMetricsFamilyName, writeOpenMetrics } from './openmetrics.js';
export { writeText } from './text.js';
