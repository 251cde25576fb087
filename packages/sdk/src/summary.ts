// Summary: client-side quantiles (prom-client compatible), computed from
// exponential sketches (within 1% relative error) over an optional sliding
// window of `maxAgeSeconds` split into `ageBuckets`. `_sum` and `_count` are
// cumulative, as in prom-client and the Go client.
import { formatValue } from './exposition/format.js';
import type { LabelValues, MetricConfiguration, MetricValue, RenderContext } from './metric.js';
import { ObservedMetric, ObservingSeries } from './observed-metric.js';
import { ExponentialSketch } from './sketch/exponential.js';
import { sdkStats } from './validation.js';

export interface SummaryConfiguration<T extends string> extends MetricConfiguration<T> {
  /** Quantiles to export, each in [0, 1]; default prom-client's [0.01, 0.05, 0.5, 0.9, 0.95, 0.99, 0.999]. */
  percentiles?: number[];
  /** Sliding window length; without it quantiles cover everything observed. */
  maxAgeSeconds?: number;
  /** Number of sub-windows the window rotates through (default 5). */
  ageBuckets?: number;
  /** Drop series whose window is empty at collection time. */
  pruneAgedBuckets?: boolean;
  /** Accepted for prom-client compatibility (the sketch needs no compression). */
  compressCount?: number;
}

const DEFAULT_PERCENTILES = [0.01, 0.05, 0.5, 0.9, 0.95, 0.99, 0.999];

export class SummarySeries extends ObservingSeries {
  count = 0;
  sum = 0;
  /** One sketch per age bucket (one in all without a window). */
  readonly ring: ExponentialSketch[];
  private head = 0;
  private rotatedAt = Date.now();
  prefixes: string[] = [];

  constructor(metric: Summary<any>, values: (string | undefined)[], pairs: string) {
    super(metric, values, pairs);
    const n = metric.maxAgeSeconds ? metric.ageBuckets : 1;
    this.ring = Array.from({ length: n }, () => new ExponentialSketch({ maxBuckets: 1024 }));
  }

  private rotate(): void {
    const m = this.metric as Summary<any>;
    if (!m.maxAgeSeconds) return;
    const step = (m.maxAgeSeconds * 1000) / m.ageBuckets;
    const t = Date.now();
    let due = Math.floor((t - this.rotatedAt) / step);
    if (due <= 0) return;
    if (due > this.ring.length) due = this.ring.length;
    for (let i = 0; i < due; i++) {
      this.head = (this.head + 1) % this.ring.length;
      this.ring[this.head].reset();
    }
    this.rotatedAt = t;
  }

  /** Records a value; NaN, ±Infinity and non-numbers are ignored and counted. */
  observe(v: number): void {
    if (typeof v !== 'number' || v - v !== 0) {
      sdkStats.invalidValues++;
      return;
    }
    const s = this.attached ? this : this.live();
    if (s.ring.length > 1) s.rotate();
    s.ring[s.head].record(v);
    s.count++;
    s.sum += v;
  }

  /** The sketch of the current window. */
  window(): ExponentialSketch {
    if (this.ring.length === 1) return this.ring[0];
    this.rotate();
    const m = new ExponentialSketch({ maxBuckets: 1024 });
    for (const s of this.ring) if (s.count > 0) m.merge(s);
    return m;
  }

  /** The q-quantile of the current window; NaN when it is empty. */
  percentile(q: number): number {
    return this.window().quantile(q);
  }

  zero(): void {
    this.count = 0;
    this.sum = 0;
    for (const s of this.ring) s.reset();
  }
}

export class Summary<T extends string = string> extends ObservedMetric<T, SummarySeries> {
  readonly type = 'summary' as const;
  readonly percentiles: readonly number[];
  readonly maxAgeSeconds: number;
  readonly ageBuckets: number;
  readonly pruneAgedBuckets: boolean;
  private readonly qStrings: string[];

  constructor(config: SummaryConfiguration<T>) {
    super(config, ['quantile']);
    const ps = config.percentiles ?? DEFAULT_PERCENTILES;
    if (!Array.isArray(ps) || ps.some((p) => typeof p !== 'number' || !(p >= 0 && p <= 1))) {
      throw new TypeError(`metric "${config.name}": percentiles must be numbers in [0, 1]`);
    }
    this.percentiles = Object.freeze([...ps]);
    this.qStrings = this.percentiles.map((p) => formatValue(p));
    if (config.maxAgeSeconds !== undefined && !(config.maxAgeSeconds > 0)) {
      throw new TypeError(`metric "${config.name}": maxAgeSeconds must be a positive number`);
    }
    this.maxAgeSeconds = config.maxAgeSeconds ?? 0;
    const ab = config.ageBuckets ?? 5;
    if (!Number.isInteger(ab) || ab < 1)
      throw new TypeError(`metric "${config.name}": ageBuckets must be a positive integer`);
    this.ageBuckets = ab;
    this.pruneAgedBuckets = config.pruneAgedBuckets ?? false;
    this.init();
  }

  protected newSeries(values: (string | undefined)[], pairs: string): SummarySeries {
    return new SummarySeries(this, values, pairs);
  }

  percentile(q: number, labels?: LabelValues<T>): number {
    return this.pick(labels).percentile(q);
  }

  private prune(): void {
    if (!this.pruneAgedBuckets || this.arity === 0) return;
    for (const s of this.series) {
      if (s.window().count === 0) this.remove(...(s.values as string[]));
    }
  }

  render(ctx: RenderContext): string {
    this.prune();
    let out = this.header(ctx);
    const n = this.percentiles.length;
    for (const s of this.series) {
      if (s.pk !== ctx.key) {
        const base = joinExtra(s.pairs, ctx.extraPairs);
        const lead = this.name + '{' + (base === '' ? '' : base + ',') + 'quantile="';
        const p = this.qStrings.map((q) => lead + q + '"} ');
        const block = base === '' ? '' : '{' + base + '}';
        p.push(this.name + '_sum' + block + ' ', this.name + '_count' + block + ' ');
        s.prefixes = p;
        s.pk = ctx.key;
      }
      const w = s.window();
      for (let i = 0; i < n; i++) out += s.prefixes[i] + formatValue(w.quantile(this.percentiles[i])) + '\n';
      out += s.prefixes[n] + formatValue(s.sum) + '\n' + s.prefixes[n + 1] + s.count + '\n';
    }
    return out;
  }

  protected values(): MetricValue<T>[] {
    this.prune();
    const out: MetricValue<T>[] = [];
    for (const s of this.series) {
      const w = s.window();
      for (const q of this.percentiles) {
        out.push({ labels: { ...s.labels, quantile: q } as any, value: w.quantile(q) });
      }
      out.push({ labels: { ...s.labels } as any, value: s.sum, metricName: this.name + '_sum' });
      out.push({ labels: { ...s.labels } as any, value: s.count, metricName: this.name + '_count' });
    }
    return out;
  }
}

function joinExtra(a: string, b: string): string {
  return a === '' ? b : b === '' ? a : a + ',' + b;
}
