// @sonde/sdk: a drop-in for prom-client with 1%-exact percentiles, timers,
// HTTP middleware, runtime metrics, exposition, push and OTLP export.
export {
  Registry,
  register,
  type Metric,
  type RegistryContentType,
  type ExpositionFormat,
} from './registry.js';
export { Counter, CounterSeries, CounterDecreaseError, type CounterConfiguration } from './counter.js';
export { Gauge, GaugeSeries, type GaugeConfiguration } from './gauge.js';
export { Histogram, HistogramSeries, type HistogramConfiguration } from './histogram.js';
export { Summary, SummarySeries, type SummaryConfiguration } from './summary.js';
export {
  DEFAULT_MAX_SERIES,
  type Aggregator,
  type CollectFunction,
  type LabelValue,
  type LabelValues,
  type MetricConfiguration,
  type MetricObjectWithValues,
  type MetricType,
  type MetricValue,
} from './metric.js';
export { DEFAULT_BUCKETS, exponentialBuckets, linearBuckets } from './buckets.js';
export { timed, Timer, type Timeable } from './timer.js';
export { MAX_LABEL_VALUE_LENGTH, sdkStats, validateLabelName, validateMetricName } from './validation.js';
export { ExponentialSketch, type HistogramSample } from './sketch/index.js';
export {
  contentTypeOf,
  negotiate,
  OPENMETRICS_CONTENT_TYPE as openMetricsContentType,
  PROMETHEUS_CONTENT_TYPE as prometheusContentType,
} from './exposition/index.js';

import { register } from './registry.js';

/** The default registry's content type (prom-client's `contentType`). */
export const contentType = register.contentType;
export { collectDefaultMetrics, type DefaultMetricsConfiguration, metricsList } from './runtime/index.js';
export * from './middleware/index.js';
export {
  type HandlerOptions,
  type MetricsServer,
  metricsHandler,
  type ServeOptions,
  serve,
} from './serve.js';
export { type MetricSnapshot, type SeriesSnapshot, snapshotRegistry } from './snapshot.js';
export {
  buildPushBody,
  type PushBody,
  type Pusher,
  type PushOptions,
  type PushSeries,
  push,
} from './push.js';
export { buildOtlpRequest, type OtlpExporter, type OtlpOptions, otlpExport } from './otlp.js';
