import type { Registry } from '../registry.js';

export interface DefaultMetricsConfiguration {
  /** Registry to register in (default: the default `register`). */
  register?: Registry;
  /** Prefix for every metric name. */
  prefix?: string;
  /** Labels added to every series of these metrics. */
  labels?: Record<string, string>;
  /** Classic buckets of nodejs_gc_duration_seconds (default prom-client's). */
  gcDurationBuckets?: number[];
  /** monitorEventLoopDelay resolution in ms (default 10). */
  eventLoopMonitoringPrecision?: number;
  /**
   * Also emit prom-client's gauges named `nodejs_active_{handles,requests,resources}_total`
   * (promtool flags a gauge ending in _total or _count; by default they are `..._all`).
   */
  promClientNames?: boolean;
}

/** What each runtime part gets: resolved names, labels and the registry list. */
export interface RuntimeContext {
  readonly prefix: string;
  readonly labels: Record<string, string>;
  readonly labelNames: string[];
  readonly registers: Registry[] | undefined;
  readonly config: DefaultMetricsConfiguration;
}
