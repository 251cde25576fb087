// Timing helpers: durations from process.hrtime.bigint(), a disposable timer
// for `using`, and the `@timed` decorator (TypeScript standard decorators).

/** Symbol.dispose where the runtime has it (Node >= 18.18/20.4), else the well-known registry key. */
export const disposeSymbol: typeof Symbol.dispose =
  (Symbol as { dispose?: typeof Symbol.dispose }).dispose ??
  (Symbol.for('Symbol.dispose') as typeof Symbol.dispose);

export function now(): bigint {
  return process.hrtime.bigint();
}

export function elapsedSeconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Anything that can take a duration in seconds. */
export interface Observer {
  observe(value: number): void;
}

/**
 * A running timer: `end()` (or leaving a `using` block) records the elapsed
 * seconds once and returns them; later calls return the same duration.
 */
export class Timer implements Disposable {
  private readonly start = process.hrtime.bigint();
  private done = -1;

  constructor(private readonly sink: (seconds: number) => void) {}

  /** Seconds since start, without recording. */
  elapsed(): number {
    return Number(process.hrtime.bigint() - this.start) / 1e9;
  }

  end(): number {
    if (this.done >= 0) return this.done;
    const s = this.elapsed();
    this.done = s;
    this.sink(s);
    return s;
  }

  [Symbol.dispose](): void {
    this.end();
  }
}

// When the runtime lacks Symbol.dispose, make the registry symbol work too.
if (disposeSymbol !== (Symbol as { dispose?: symbol }).dispose) {
  Object.defineProperty(Timer.prototype, disposeSymbol, {
    value(this: Timer) {
      this.end();
    },
  });
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === 'object' || typeof v === 'function') &&
    typeof (v as { then?: unknown }).then === 'function'
  );
}

/**
 * Runs `fn`, recording its duration with `record` when it returns, throws, or
 * (for a promise) settles. The result, or the error, is passed through untouched.
 */
export function timeCall<R>(fn: () => R, record: (seconds: number) => void): R {
  const start = process.hrtime.bigint();
  let result: R;
  try {
    result = fn();
  } catch (e) {
    record(Number(process.hrtime.bigint() - start) / 1e9);
    throw e;
  }
  if (isThenable(result)) {
    return (result as unknown as PromiseLike<unknown>).then(
      (v) => {
        record(Number(process.hrtime.bigint() - start) / 1e9);
        return v;
      },
      (e) => {
        record(Number(process.hrtime.bigint() - start) / 1e9);
        throw e;
      },
    ) as unknown as R;
  }
  record(Number(process.hrtime.bigint() - start) / 1e9);
  return result;
}

/** Something with `time(fn)`: a Histogram, a Summary, or one of their series. */
export interface Timeable {
  time<R>(fn: () => R): R;
}

/**
 * Method decorator (TypeScript 5 standard decorators): each call of the method
 * is timed into `metric`, sync or async.
 *
 *   class Repo { @timed(dbSeconds) async find(id: string) { ... } }
 */
export function timed<M extends Timeable>(metric: M) {
  return function decorate<This, Args extends unknown[], R>(
    target: (this: This, ...args: Args) => R,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>,
  ): (this: This, ...args: Args) => R {
    if (context.kind !== 'method') throw new TypeError('@timed decorates methods only');
    return function (this: This, ...args: Args): R {
      return metric.time(() => target.apply(this, args));
    };
  };
}
