// Counter: a monotonically increasing value (prom-client compatible).
import { formatValue } from './exposition/format.js';
import {
  type LabelValues,
  MetricBase,
  type MetricConfiguration,
  type MetricValue,
  type RenderContext,
  Series,
} from './metric.js';
import { sdkStats } from './validation.js';

export type CounterConfiguration<T extends string> = MetricConfiguration<T>;

/** Thrown (like prom-client) for a negative increment: a counter only goes up. */
export class CounterDecreaseError extends Error {
  constructor(name: string, v: number) {
    super(`It is not possible to decrease a counter (metric "${name}", inc by ${v})`);
    this.name = 'CounterDecreaseError';
  }
}

export class CounterSeries extends Series {
  value = 0;
  prefix = '';

  /**
   * Adds `v` (default 1). A negative `v` throws (prom-client does the same);
   * NaN, ±Infinity and non-numbers are ignored and counted in `sdkStats.invalidValues`.
   */
  inc(v?: number): void {
    if (v === undefined) v = 1;
    else if (typeof v !== 'number' || !(v >= 0) || v === Number.POSITIVE_INFINITY) {
      if (v < 0) throw new CounterDecreaseError(this.metric.name, v);
      sdkStats.invalidValues++;
      return;
    }
    if (this.attached) this.value += v;
    else this.live().value += v;
  }

  /** The current value. */
  get(): number {
    return this.value;
  }

  zero(): void {
    this.value = 0;
  }
}

export class Counter<T extends string = string> extends MetricBase<T, CounterSeries> {
  readonly type = 'counter' as const;

  constructor(config: CounterConfiguration<T>) {
    super(config);
    this.init();
  }

  protected newSeries(values: (string | undefined)[], pairs: string): CounterSeries {
    return new CounterSeries(this, values, pairs);
  }

  /** `inc()`, `inc(5)`, `inc({ method: 'GET' })`, `inc({ method: 'GET' }, 5)`. */
  inc(value?: number): void;
  inc(labels: LabelValues<T>, value?: number): void;
  inc(a?: LabelValues<T> | number, b?: number): void {
    // Hot paths of a label-less counter: `single` is never detached.
    const s = this.single;
    if (a === undefined) {
      if (s !== undefined) s.value += 1;
      else this.unlabelled().inc();
    } else if (typeof a === 'number') {
      if (s !== undefined && a >= 0 && a !== Number.POSITIVE_INFINITY) s.value += a;
      else (s ?? this.unlabelled()).inc(a);
    } else if (typeof a === 'object' && a !== null) {
      if (this.exemplarStyle) {
        const o = a as { labels?: Record<string, unknown>; value?: number };
        this.byObject(o.labels ?? {}).inc(o.value);
        return;
      }
      this.byObject(a as Record<string, unknown>).inc(b);
    } else {
      sdkStats.invalidValues++;
    }
  }

  render(ctx: RenderContext): string {
    let out = this.header(ctx);
    const name = ctx.openMetrics ? this.familyName(true) + '_total' : this.name;
    const key = ctx.key;
    for (const s of this.series) {
      if (s.pk !== key) {
        s.prefix = name + MetricBase.labelBlock(s, ctx) + ' ';
        s.pk = key;
      }
      const v = s.value;
      out += s.prefix + (v === (v | 0) ? '' + v : formatValue(v)) + '\n';
    }
    return out;
  }

  protected values(): MetricValue<T>[] {
    const out: MetricValue<T>[] = [];
    for (const s of this.series) out.push({ value: s.value, labels: { ...s.labels } as any });
    return out;
  }
}
