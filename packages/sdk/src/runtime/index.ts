// collectDefaultMetrics(): prom-client's runtime metrics and more: event loop
// utilization and p99.9 delay, GC pauses by kind with sketch percentiles,
// active handles/requests/resources by type, Node and V8 versions.
import { register as defaultRegister } from '../registry.js';
import { assertLabelNames, assertMetricName } from '../validation.js';
import { eventLoopMetrics } from './event-loop.js';
import { gcMetrics } from './gc.js';
import { handleMetrics } from './handles.js';
import { heapMetrics } from './heap.js';
import type { DefaultMetricsConfiguration, RuntimeContext } from './options.js';
import { processMetrics } from './process.js';
import { sdkMetrics } from './sdk.js';
import { versionMetrics } from './version.js';

export type { DefaultMetricsConfiguration } from './options.js';

export function collectDefaultMetrics(config: DefaultMetricsConfiguration = {}): void {
  if (config === null || typeof config !== 'object') {
    throw new TypeError('collectDefaultMetrics: config must be an object or undefined');
  }
  const prefix = config.prefix ?? '';
  if (prefix !== '') assertMetricName(prefix + 'x');
  const labels = { ...(config.labels ?? {}) };
  const ctx: RuntimeContext = {
    prefix,
    labels,
    labelNames: assertLabelNames('collectDefaultMetrics', Object.keys(labels)),
    registers: [config.register ?? defaultRegister],
    config,
  };
  processMetrics(ctx);
  heapMetrics(ctx);
  eventLoopMetrics(ctx);
  gcMetrics(ctx);
  handleMetrics(ctx);
  versionMetrics(ctx);
  sdkMetrics(ctx);
}

/** The names collectDefaultMetrics() registers (without prefix), for reference. */
export const metricsList = [
  'process_cpu_user_seconds_total',
  'process_cpu_system_seconds_total',
  'process_cpu_seconds_total',
  'process_start_time_seconds',
  'process_resident_memory_bytes',
  'process_virtual_memory_bytes',
  'process_heap_bytes',
  'process_open_fds',
  'process_max_fds',
  'nodejs_heap_size_total_bytes',
  'nodejs_heap_size_used_bytes',
  'nodejs_external_memory_bytes',
  'nodejs_array_buffers_bytes',
  'nodejs_heap_space_size_total_bytes',
  'nodejs_heap_space_size_used_bytes',
  'nodejs_heap_space_size_available_bytes',
  'nodejs_eventloop_lag_seconds',
  'nodejs_eventloop_lag_min_seconds',
  'nodejs_eventloop_lag_max_seconds',
  'nodejs_eventloop_lag_mean_seconds',
  'nodejs_eventloop_lag_stddev_seconds',
  'nodejs_eventloop_lag_p50_seconds',
  'nodejs_eventloop_lag_p90_seconds',
  'nodejs_eventloop_lag_p99_seconds',
  'nodejs_eventloop_lag_p999_seconds',
  'nodejs_eventloop_utilization_ratio',
  'nodejs_gc_duration_seconds',
  'nodejs_active_handles',
  'nodejs_active_handles_all',
  'nodejs_active_requests',
  'nodejs_active_requests_all',
  'nodejs_active_resources',
  'nodejs_active_resources_all',
  'nodejs_version_info',
  'nodejs_v8_version_info',
  'sonde_sdk_invalid_values_total',
  'sonde_sdk_repaired_label_values_total',
  'sonde_sdk_overflowed_series_total',
];
