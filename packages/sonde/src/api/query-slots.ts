// The concurrent-query limit (Prometheus's --query.max-concurrency): at most
// `max` queries evaluate at once; one more waits for a slot up to
// `maxWaitMs`, then is refused with 503 naming the limit. A freed slot goes
// to the longest waiter, so a steady stream of new queries cannot starve it.

export interface QuerySlotsOptions {
  /** Queries evaluated at once (query.max_concurrency). */
  readonly max: number;
  /** How long a query waits for a slot before it is refused (query.max_queue_wait). */
  readonly maxWaitMs: number;
  /** Called for each refused query, for sonde's own metrics. */
  readonly onRefused?: () => void;
}

/** A query refused because every slot stayed busy: answered 503 with Retry-After. */
export class TooManyQueriesError extends Error {
  constructor(max: number, waitedMs: number) {
    super(
      `too many concurrent queries: ${max} are running, the limit (query.max_concurrency); ` +
        `none finished within ${waitedMs} ms (query.max_queue_wait), try again`,
    );
    this.name = 'TooManyQueriesError';
  }
}

interface Waiter {
  readonly resolve: () => void;
  readonly timer: NodeJS.Timeout;
}

export class QuerySlots {
  private active = 0;
  private readonly queue: Waiter[] = [];

  constructor(private readonly options: QuerySlotsOptions) {}

  /** Queries evaluating now, queries waiting for a slot, and the limit. */
  stats(): { running: number; waiting: number; max: number } {
    return { running: this.active, waiting: this.queue.length, max: this.options.max };
  }

  /** Runs `fn` in a slot: at once when one is free, after waiting otherwise, or throws TooManyQueriesError. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.options.max) {
      this.active++;
      return Promise.resolve();
    }
    const { maxWaitMs } = this.options;
    if (maxWaitMs <= 0) return Promise.reject(this.refuse());
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(() => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          reject(this.refuse());
        }, maxWaitMs),
      };
      this.queue.push(waiter);
    });
  }

  private release(): void {
    const next = this.queue.shift();
    if (!next) {
      this.active--;
      return;
    }
    // The slot passes straight to the waiter: `active` stays as it is.
    clearTimeout(next.timer);
    next.resolve();
  }

  private refuse(): TooManyQueriesError {
    this.options.onRefused?.();
    return new TooManyQueriesError(this.options.max, this.options.maxWaitMs);
  }
}
