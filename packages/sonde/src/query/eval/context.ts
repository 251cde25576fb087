// What one query's evaluation shares across its nodes and subqueries: the
// snapshot it reads, its limits, and the counters that enforce them.
import type { Querier } from '../../storage/types.js';
import { QueryError } from '../types.js';
import type { RawSeries } from './values.js';

export interface QueryLimits {
  readonly lookbackDeltaMs: number;
  readonly maxSamples: number;
  /** Absolute deadline (Date.now() ms). */
  readonly deadline: number;
  readonly signal?: AbortSignal;
  /** The default subquery step. */
  readonly subqueryStepMs: number;
}

/** A range query evaluated in slices of steps (see range-slices.ts). */
export interface SliceState {
  /** The whole range, and the slice being evaluated (ms). */
  readonly start: number;
  readonly end: number;
  from: number;
  to: number;
  /** Time spent reading the store for the whole range (ms): not a cost of the slice that did it. */
  readMs: number;
  /** Selections read for the whole range, by matchers, trimmed to each slice's windows. */
  readonly cache: Map<string, { mint: number; maxt: number; series: RawSeries[] }>;
}

export class QueryContext {
  samples = 0;
  private checks = 0;
  /** Set while a range query is evaluated a slice of steps at a time. */
  slices: SliceState | null = null;
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
