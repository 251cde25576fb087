// Registry: where metrics are registered and scraped from (prom-client compatible).
import type { Counter } from './counter.js';
import { formatLabelPairs, OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE } from './exposition/format.js';
import type { Gauge } from './gauge.js';
import type { Histogram } from './histogram.js';
import { type MetricObjectWithValues, type RenderContext, setGlobalRegistry } from './metric.js';
import type { Summary } from './summary.js';

export type Metric<T extends string = string> = Counter<T> | Gauge<T> | Histogram<T> | Summary<T>;
export type RegistryContentType = typeof PROMETHEUS_CONTENT_TYPE | typeof OPENMETRICS_CONTENT_TYPE;
export type ExpositionFormat = 'text' | 'openmetrics';

function isThenable(v: unknown): v is Promise<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';
}

export class Registry<BoundContentType extends RegistryContentType = RegistryContentType> {
  static get PROMETHEUS_CONTENT_TYPE(): typeof PROMETHEUS_CONTENT_TYPE {
    return PROMETHEUS_CONTENT_TYPE;
  }

  static get OPENMETRICS_CONTENT_TYPE(): typeof OPENMETRICS_CONTENT_TYPE {
    return OPENMETRICS_CONTENT_TYPE;
  }

  /** The default registry (`register`). */
  static globalRegistry: Registry;

  private readonly _metrics = new Map<string, Metric>();
  private _defaultLabels: Record<string, string> = {};
  private _defaultPairs = '';
  private _defaultVersion = 0;
  private _contentType: RegistryContentType;

  constructor(contentType: BoundContentType = PROMETHEUS_CONTENT_TYPE as BoundContentType) {
    if (contentType !== PROMETHEUS_CONTENT_TYPE && contentType !== OPENMETRICS_CONTENT_TYPE) {
      throw new TypeError(`Content type ${contentType} is unsupported`);
    }
    this._contentType = contentType;
  }

  get contentType(): BoundContentType {
    return this._contentType as BoundContentType;
  }

  setContentType(contentType: RegistryContentType): void {
    if (contentType !== PROMETHEUS_CONTENT_TYPE && contentType !== OPENMETRICS_CONTENT_TYPE) {
      throw new TypeError(`Content type ${contentType} is unsupported`);
    }
    this._contentType = contentType;
  }

  /** Adds a metric; another metric of the same name throws a TypeError (the same one again is a no-op). */
  registerMetric(metric: Metric): void {
    const existing = this._metrics.get(metric.name);
    if (existing !== undefined && existing !== metric) {
      throw new TypeError(`A metric with the name ${metric.name} has already been registered.`);
    }
    this._metrics.set(metric.name, metric);
  }

  getMetricsAsArray(): Metric[] {
    return [...this._metrics.values()];
  }

  getSingleMetric(name: string): Metric | undefined {
    return this._metrics.get(name);
  }

  removeSingleMetric(name: string): void {
    this._metrics.delete(name);
  }

  /** Removes every metric and the default labels. */
  clear(): void {
    this._metrics.clear();
    this.setDefaultLabels({});
  }

  resetMetrics(): void {
    for (const m of this._metrics.values()) m.reset();
  }

  /** Labels added to every series at exposition (a series' own label of the same name wins). */
  setDefaultLabels(labels: Record<string, string | number>): void {
    this._defaultLabels = { ...labels } as Record<string, string>;
    this._defaultPairs = formatLabelPairs(labels);
    this._defaultVersion++;
  }

  /** The labels set by setDefaultLabels (a copy). */
  getDefaultLabels(): Record<string, string> {
    return { ...this._defaultLabels };
  }

  /** Runs every metric's `collect` callback (for exporters that read the metrics directly). */
  collectAll(): Promise<void> {
    return this.runCollect(this._metrics.values());
  }

  private async runCollect(metrics: Iterable<Metric>): Promise<void> {
    let pending: Promise<unknown>[] | undefined;
    for (const m of metrics) {
      if (m.collect) {
        const r = m.collect.call(m);
        if (isThenable(r)) (pending ??= []).push(r);
      }
    }
    if (pending) await Promise.all(pending);
  }

  private context(metric: Metric, openMetrics: boolean): RenderContext {
    let extra = this._defaultPairs;
    if (extra !== '' && metric.labelNames.length > 0) {
      const own = new Set<string>(metric.labelNames);
      const rest: Record<string, string> = {};
      for (const k in this._defaultLabels) if (!own.has(k)) rest[k] = this._defaultLabels[k];
      extra = formatLabelPairs(rest);
    }
    return {
      openMetrics,
      extraPairs: extra,
      key: (openMetrics ? 'o' : 't') + this._defaultVersion + ':' + extra,
    };
  }

  /** The exposition of every metric, in this registry's content type (prom-client's `metrics()`). */
  metrics(): Promise<string> {
    return this.metricsAs(this._contentType === OPENMETRICS_CONTENT_TYPE ? 'openmetrics' : 'text');
  }

  /** The exposition in a given format, whatever the registry's content type. */
  async metricsAs(format: ExpositionFormat): Promise<string> {
    const list = [...this._metrics.values()];
    await this.runCollect(list);
    const om = format === 'openmetrics';
    let out = '';
    for (const m of list) out += m.render(this.context(m, om));
    return om ? out + '# EOF\n' : out;
  }

  async getSingleMetricAsString(name: string): Promise<string> {
    const m = this._metrics.get(name);
    if (!m) throw new TypeError(`no metric named ${name} in this registry`);
    await this.runCollect([m]);
    return m.render(this.context(m, this._contentType === OPENMETRICS_CONTENT_TYPE)).replace(/\n$/, '');
  }

  /** Every metric as prom-client's JSON objects (default labels applied). */
  async getMetricsAsJSON(): Promise<MetricObjectWithValues[]> {
    const all = await Promise.all([...this._metrics.values()].map((m) => m.get()));
    const names = Object.keys(this._defaultLabels);
    if (names.length > 0) {
      for (const item of all) {
        for (const v of item.values) {
          v.labels = { ...v.labels };
          for (const n of names) (v.labels as Record<string, unknown>)[n] ??= this._defaultLabels[n];
        }
      }
    }
    return all;
  }

  /** One registry holding the metrics of all given ones (same content type required). */
  static merge(registers: Registry[]): Registry {
    const type = registers[0]?.contentType ?? PROMETHEUS_CONTENT_TYPE;
    for (const r of registers) {
      if (r.contentType !== type)
        throw new TypeError('Registers can only be merged if they have the same content type');
    }
    const merged = new Registry(type);
    for (const r of registers) for (const m of r.getMetricsAsArray()) merged.registerMetric(m);
    return merged;
  }
}

/** The default registry, prom-client's `register`. */
export const register: Registry = new Registry();
Registry.globalRegistry = register;
setGlobalRegistry(register);
