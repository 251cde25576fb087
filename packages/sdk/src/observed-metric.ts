// What histograms and summaries share: a value is observed into a series, and
// the prom-client timing helpers (startTimer, timer, time) observe durations.
import { type LabelValues, MetricBase, Series } from './metric.js';
import { elapsedSeconds, now, Timer, timeCall } from './timer.js';
import { sdkStats } from './validation.js';

/** A series that records observations; its timers record elapsed seconds. */
export abstract class ObservingSeries extends Series {
  abstract observe(value: number): void;

  /** Starts a timer; calling the result records the elapsed seconds and returns them. */
  startTimer(): () => number {
    const start = now();
    return () => {
      const s = elapsedSeconds(start);
      this.observe(s);
      return s;
    };
  }

  /** A disposable timer: `using t = series.timer()` records at the end of the block. */
  timer(): Timer {
    return new Timer((s) => this.observe(s));
  }

  /** Runs `fn` (sync or async), recording its duration; its result or error passes through. */
  time<R>(fn: () => R): R {
    return timeCall(fn, (s) => this.observe(s));
  }
}

export abstract class ObservedMetric<T extends string, S extends ObservingSeries> extends MetricBase<T, S> {
  /** `observe(v)` or `observe({ route: '/x' }, v)`. */
  observe(value: number): void;
  observe(labels: LabelValues<T>, value: number): void;
  observe(a: LabelValues<T> | number, b?: number): void {
    if (typeof a === 'number') (this.single ?? this.unlabelled()).observe(a);
    else if (typeof a === 'object' && a !== null) {
      if (this.exemplarStyle) {
        const o = a as { labels?: Record<string, unknown>; value?: number };
        this.byObject(o.labels ?? {}).observe(o.value as number);
      } else this.byObject(a as Record<string, unknown>).observe(b as number);
    } else sdkStats.invalidValues++;
  }

  /** prom-client's timer: `const end = h.startTimer({a}); ...; end({b})` returns seconds. */
  startTimer(labels?: LabelValues<T>): (endLabels?: LabelValues<T>) => number {
    const start = now();
    return (endLabels) => {
      const s = elapsedSeconds(start);
      this.pick(endLabels ? { ...labels, ...endLabels } : labels).observe(s);
      return s;
    };
  }

  /** A disposable timer: `using t = h.timer({ route })` observes when the block ends. */
  timer(labels?: LabelValues<T>): Timer {
    return new Timer((s) => this.pick(labels).observe(s));
  }

  /** Runs `fn` (sync or async), observing its duration; its result or error passes through. */
  time<R>(fn: () => R, labels?: LabelValues<T>): R {
    return timeCall(fn, (s) => this.pick(labels).observe(s));
  }
}
