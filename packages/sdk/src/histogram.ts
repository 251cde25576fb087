// Histogram: classic `le` buckets for the Prometheus text formats plus an
// exponential sketch of every observation (native-histogram bucket scheme), so
// any quantile is known within 1% and series merge exactly.
import { normalizeBuckets } from './buckets.js';
import { formatValue } from './exposition/format.js';
import {
  type LabelValues,
  MetricBase,
  type MetricConfiguration,
  type MetricValue,
  type RenderContext,
} from './metric.js';
import { ObservedMetric, ObservingSeries } from './observed-metric.js';
import { ExponentialSketch, type HistogramSample, type SketchOptions } from './sketch/exponential.js';
import { sdkStats } from './validation.js';

export interface HistogramConfiguration<T extends string> extends MetricConfiguration<T> {
  /** Classic bucket upper bounds (`le`); default prom-client's. */
  buckets?: number[];
  /** Exponential sketch settings: starting scale (default 8) and bucket limit (default 1280). */
  sketch?: Pick<SketchOptions, 'scale' | 'maxBuckets'>;
}

export class HistogramSeries extends ObservingSeries {
  /** Non-cumulative counts per classic bucket (the +Inf bucket is count minus their sum). */
  readonly buckets: Float64Array;
  readonly sketch: ExponentialSketch;
  /** Text cache: `name_bucket{...,le="b"} ` per bound, then +Inf, then sum and count prefixes. */
  prefixes: string[] = [];

  constructor(metric: Histogram<any>, values: (string | undefined)[], pairs: string) {
    super(metric, values, pairs);
    this.buckets = new Float64Array(metric.upperBounds.length);
    this.sketch = new ExponentialSketch(metric.sketchOptions);
  }

  get count(): number {
    return this.sketch.count;
  }

  get sum(): number {
    return this.sketch.sum;
  }

  /** Records a value; NaN, ±Infinity and non-numbers are ignored and counted in `sdkStats.invalidValues`. */
  observe(v: number): void {
    if (typeof v !== 'number' || v - v !== 0) {
      sdkStats.invalidValues++;
      return;
    }
    const s = this.attached ? this : this.live();
    const bounds = (s.metric as Histogram<any>).upperBounds;
    const n = bounds.length;
    let i = 0;
    while (i < n && v > bounds[i]) i++;
    if (i < n) s.buckets[i]++;
    s.sketch.record(v);
  }

  /** The q-quantile (0..1) of what this series observed, within 1% relative error. */
  percentile(q: number): number {
    return this.sketch.quantile(q);
  }

  /** The sketch as a native-histogram sample (absolute counts). */
  toHistogramSample(): HistogramSample {
    return this.sketch.toHistogramSample();
  }

  zero(): void {
    this.buckets.fill(0);
    this.sketch.reset();
  }
}

export class Histogram<T extends string = string> extends ObservedMetric<T, HistogramSeries> {
  readonly type = 'histogram' as const;
  readonly upperBounds: readonly number[];
  readonly sketchOptions: SketchOptions;
  private readonly leStrings: string[];

  constructor(config: HistogramConfiguration<T>) {
    super(config, ['le']);
    this.upperBounds = Object.freeze(normalizeBuckets(config.name, config.buckets));
    this.leStrings = this.upperBounds.map((b) => formatValue(b));
    this.sketchOptions = { scale: config.sketch?.scale, maxBuckets: config.sketch?.maxBuckets };
    new ExponentialSketch(this.sketchOptions); // validates the options now, not at first observe
    this.init();
  }

  protected newSeries(values: (string | undefined)[], pairs: string): HistogramSeries {
    return new HistogramSeries(this, values, pairs);
  }

  /** Sets a series to zero so it is exported before its first observation. */
  zero(labels?: LabelValues<T>): void {
    this.pick(labels).zero();
  }

  /**
   * The q-quantile (0..1) within 1% relative error: of one series when labels
   * are given, else of all series merged.
   */
  percentile(q: number, labels?: LabelValues<T>): number {
    if (labels !== undefined || this.arity === 0) return this.pick(labels).sketch.quantile(q);
    return this.mergedSketch().quantile(q);
  }

  /** All series' sketches merged into one. */
  mergedSketch(): ExponentialSketch {
    const m = new ExponentialSketch(this.sketchOptions);
    for (const s of this.series) m.merge(s.sketch);
    return m;
  }

  render(ctx: RenderContext): string {
    let out = this.header(ctx);
    const key = ctx.key;
    const n = this.upperBounds.length;
    for (const s of this.series) {
      if (s.pk !== key) this.buildPrefixes(s, ctx);
      const p = s.prefixes;
      const b = s.buckets;
      let acc = 0;
      for (let i = 0; i < n; i++) {
        acc += b[i];
        out += p[i] + acc + '\n';
      }
      const sk = s.sketch;
      const sum = sk.sum;
      out +=
        p[n] +
        sk.count +
        '\n' +
        p[n + 1] +
        (sum === (sum | 0) ? '' + sum : formatValue(sum)) +
        '\n' +
        p[n + 2] +
        sk.count +
        '\n';
    }
    return out;
  }

  private buildPrefixes(s: HistogramSeries, ctx: RenderContext): void {
    const base =
      s.pairs === '' ? ctx.extraPairs : ctx.extraPairs === '' ? s.pairs : s.pairs + ',' + ctx.extraPairs;
    const lead = this.name + '_bucket{' + (base === '' ? '' : base + ',') + 'le="';
    const p: string[] = [];
    for (const le of this.leStrings) p.push(lead + le + '"} ');
    p.push(lead + '+Inf"} ');
    const block = MetricBase.labelBlock(s, ctx);
    p.push(this.name + '_sum' + block + ' ');
    p.push(this.name + '_count' + block + ' ');
    s.prefixes = p;
    s.pk = ctx.key;
  }

  protected values(): MetricValue<T>[] {
    const out: MetricValue<T>[] = [];
    const bucketName = this.name + '_bucket';
    for (const s of this.series) {
      const labels = s.labels;
      let acc = 0;
      for (let i = 0; i < this.upperBounds.length; i++) {
        acc += s.buckets[i];
        out.push({
          labels: { ...labels, le: this.upperBounds[i] } as any,
          value: acc,
          metricName: bucketName,
        });
      }
      out.push({ labels: { ...labels, le: '+Inf' } as any, value: s.count, metricName: bucketName });
      out.push({ labels: { ...labels } as any, value: s.sum, metricName: this.name + '_sum' });
      out.push({ labels: { ...labels } as any, value: s.count, metricName: this.name + '_count' });
    }
    return out;
  }
}
