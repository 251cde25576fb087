// The query seam: what PromQL evaluation offers the API, the dashboard's
// live stream, analytics and alerting.
import type { HistogramSample, Labels, Querier } from '../storage/types.js';

export interface InstantSample {
  readonly labels: Labels;
  readonly t: number;
  readonly v: number;
  /** Present instead of `v` for native-histogram samples. */
  readonly h?: HistogramSample;
}

export interface RangeSeries {
  readonly labels: Labels;
  readonly t: Float64Array;
  readonly v: Float64Array;
  readonly ht?: Float64Array;
  readonly h?: readonly HistogramSample[];
}

export type QueryValue =
  | { readonly type: 'vector'; readonly samples: readonly InstantSample[] }
  | { readonly type: 'matrix'; readonly series: readonly RangeSeries[] }
  | { readonly type: 'scalar'; readonly t: number; readonly v: number }
  | { readonly type: 'string'; readonly t: number; readonly v: string };

export interface QueryOptions {
  readonly lookbackDeltaMs?: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /**
   * A store snapshot to read instead of taking one per query (the caller
   * closes it): many queries at one time, such as a rule group's, share it.
   */
  readonly querier?: Querier;
}

/** Errors carry the Prometheus API errorType so the HTTP layer can answer like Prometheus. */
export class QueryError extends Error {
  constructor(
    message: string,
    readonly errorType: 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal' | 'too_many_samples',
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

export interface QueryEngine {
  instant(expr: string, timeMs: number, opts?: QueryOptions): Promise<QueryValue>;
  range(
    expr: string,
    startMs: number,
    endMs: number,
    stepMs: number,
    opts?: QueryOptions,
  ): Promise<QueryValue>;
}
