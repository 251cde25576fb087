// What one query's evaluation shares across its nodes and subqueries: the
// snapshot it reads, its limits, and the counters that enforce them.
import type { Querier } from '../../storage/types.js';
import { QueryError } from '../types.js';

export interface QueryLimits {
  readonly lookbackDeltaMs: number;
  readonly maxSamples: number;
  /** Absolute deadline (Date.now() ms). */
  readonly deadline: number;
  readonly signal?: AbortSignal;
  /** The default subquery step. */
  readonly subqueryStepMs: number;
}

export class QueryContext {
  samples = 0;
  private checks = 0;
  constructor(
    readonly querier: Querier,
    readonly limits: QueryLimits,
    /** The query's own start and end (ms), for `@ start()` / `@ end()`. */
    readonly queryStart: number,
    readonly queryEnd: number,
  ) {}

  /** Counts samples held; throws when the query would hold more than allowed. */
  account(n: number): void {
    this.samples += n;
    if (this.samples > this.limits.maxSamples) {
      throw new QueryError(
        'query processing would load too many samples into memory in query execution',
        'execution',
      );
    }
  }

  /** Checks the deadline and cancellation; cheap enough to call in loops. */
  check(): void {
    if ((++this.checks & 63) !== 0) return;
    this.checkNow();
  }

  checkNow(): void {
    if (this.limits.signal?.aborted) throw new QueryError('query was canceled', 'canceled');
    if (Date.now() > this.limits.deadline)
      throw new QueryError('query timed out in expression evaluation', 'timeout');
  }
}
