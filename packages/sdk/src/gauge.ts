// Gauge: a value that goes up and down (prom-client compatible).
import { formatValue } from './exposition/format.js';
import {
  type LabelValues,
  MetricBase,
  type MetricConfiguration,
  type MetricValue,
  type RenderContext,
  Series,
} from './metric.js';
import { elapsedSeconds, now } from './timer.js';
import { sdkStats } from './validation.js';

export type GaugeConfiguration<T extends string> = MetricConfiguration<T>;

export class GaugeSeries extends Series {
  value = 0;
  prefix = '';

  /** Sets the value; non-numbers are ignored and counted (NaN is a valid gauge value). */
  set(v: number): void {
    if (typeof v !== 'number') {
      sdkStats.invalidValues++;
      return;
    }
    if (this.attached) this.value = v;
    else this.live().value = v;
  }

  /** Adds `v` (default 1); NaN and non-numbers are ignored and counted. */
  inc(v?: number): void {
    if (v === undefined) v = 1;
    else if (typeof v !== 'number' || Number.isNaN(v)) {
      sdkStats.invalidValues++;
      return;
    }
    if (this.attached) this.value += v;
    else this.live().value += v;
  }

  /** Subtracts `v` (default 1). */
  dec(v?: number): void {
    this.inc(v === undefined ? -1 : typeof v === 'number' ? -v : v);
  }

  /** Sets the value to the current Unix time in seconds. */
  setToCurrentTime(): void {
    this.set(Date.now() / 1000);
  }

  /** Starts a timer; the returned function sets the gauge to the elapsed seconds and returns them. */
  startTimer(): () => number {
    const start = now();
    return () => {
      const s = elapsedSeconds(start);
      this.set(s);
      return s;
    };
  }

  get(): number {
    return this.value;
  }

  zero(): void {
    this.value = 0;
  }
}

export class Gauge<T extends string = string> extends MetricBase<T, GaugeSeries> {
  readonly type = 'gauge' as const;

  constructor(config: GaugeConfiguration<T>) {
    super(config);
    this.init();
  }

  protected newSeries(values: (string | undefined)[], pairs: string): GaugeSeries {
    return new GaugeSeries(this, values, pairs);
  }

  set(value: number): void;
  set(labels: LabelValues<T>, value: number): void;
  set(a: LabelValues<T> | number, b?: number): void {
    if (typeof a === 'object' && a !== null) this.byObject(a as Record<string, unknown>).set(b as number);
    else (this.single ?? this.unlabelled()).set(a as number);
  }

  inc(value?: number): void;
  inc(labels: LabelValues<T>, value?: number): void;
  inc(a?: LabelValues<T> | number, b?: number): void {
    if (typeof a === 'object' && a !== null) this.byObject(a as Record<string, unknown>).inc(b);
    else (this.single ?? this.unlabelled()).inc(a as number | undefined);
  }

  dec(value?: number): void;
  dec(labels: LabelValues<T>, value?: number): void;
  dec(a?: LabelValues<T> | number, b?: number): void {
    if (typeof a === 'object' && a !== null) this.byObject(a as Record<string, unknown>).dec(b);
    else (this.single ?? this.unlabelled()).dec(a as number | undefined);
  }

  setToCurrentTime(labels?: LabelValues<T>): void {
    this.pick(labels).setToCurrentTime();
  }

  /** Starts a timer; `end(moreLabels?)` sets the gauge to the elapsed seconds and returns them. */
  startTimer(labels?: LabelValues<T>): (endLabels?: LabelValues<T>) => number {
    const start = now();
    return (endLabels) => {
      const s = elapsedSeconds(start);
      this.pick(endLabels ? { ...labels, ...endLabels } : labels).set(s);
      return s;
    };
  }

  render(ctx: RenderContext): string {
    let out = this.header(ctx);
    const key = ctx.key;
    for (const s of this.series) {
      if (s.pk !== key) {
        s.prefix = this.name + MetricBase.labelBlock(s, ctx) + ' ';
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
