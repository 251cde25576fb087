// The storage seam: everything that reads or writes samples (ingest, the
// collectors, PromQL, analytics, alerting, a remote backend) goes through
// these few interfaces, so the embedded engine and a remote store are
// interchangeable.

/** A label set, `__name__` included. Identity is `labelsKey(labels)`, not object identity. */
export type Labels = Readonly<Record<string, string>>;

export type MatchType = '=' | '!=' | '=~' | '!~';

/** A label matcher as PromQL has it; regexes are fully anchored. */
export interface Matcher {
  readonly type: MatchType;
  readonly name: string;
  readonly value: string;
}

/** One dense run of exponential buckets: bucket i counts `counts[i - offset]`. */
export interface BucketRun {
  /** Index of the first bucket (OTLP/Prometheus native-histogram bucket index). */
  readonly offset: number;
  /** Absolute (not delta) counts per bucket. */
  readonly counts: readonly number[];
}

/**
 * An exponential-bucket histogram sample, the Prometheus native-histogram /
 * OTLP exponential-histogram model: base = 2^(2^-schema); bucket i covers
 * (base^(i-1), base^i] for positive values.
 */
export interface HistogramSample {
  readonly schema: number;
  readonly zeroThreshold: number;
  readonly zeroCount: number;
  readonly count: number;
  readonly sum: number;
  readonly positive: BucketRun;
  readonly negative: BucketRun;
}

export type MetricType =
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'gaugehistogram'
  | 'summary'
  | 'info'
  | 'stateset'
  | 'unknown';

export interface MetricMetadata {
  readonly type: MetricType;
  readonly help: string;
  readonly unit: string;
}

/** Why samples were not stored; every rejection is counted, none is silent. */
export interface AppendResult {
  readonly accepted: number;
  readonly outOfOrder: number;
  readonly duplicate: number;
  readonly tooOld: number;
  readonly invalid: number;
}

/**
 * A store's handle for one series, handed back by `Appender.appendRef` (Prometheus's SeriesRef).
 * Opaque, and meaningful only to appenders of the store that gave it.
 */
export type SeriesRef = object;

/**
 * Collects samples; nothing is visible or durable until `commit()` resolves.
 * An appender is used by one writer at a time and is reusable after commit.
 */
export interface Appender {
  append(labels: Labels, t: number, v: number): void;
  /**
   * Optional fast path for writers that see the same series again (a remote_write or import
   * cache, a scrape cache): `append`, answering the store's handle for the series. Passing the
   * handle back as `ref` with the same labels skips the label lookup; a handle no longer valid
   * (the series was deleted) is ignored and the labels are used. null when the labels cannot be
   * stored (the sample is counted invalid).
   */
  appendRef?(ref: SeriesRef | null, labels: Labels, t: number, v: number): SeriesRef | null;
  appendHistogram(labels: Labels, t: number, h: HistogramSample): void;
  /** Resolves once everything appended is durable (in the write-ahead log). */
  commit(): Promise<AppendResult>;
  /** Drops what was appended since the last commit. */
  rollback(): void;
}

/** The resolution a read is served from. */
export type Tier = 'raw' | '1m' | '1h';

/**
 * The samples of one series in a time range, columnar. Float samples are in
 * `t`/`v` (a stale marker keeps its StaleNaN bit pattern in `v`); histogram
 * samples, if the series has any, are in `ht`/`h`.
 */
export interface SeriesData {
  readonly labels: Labels;
  readonly t: Float64Array;
  readonly v: Float64Array;
  readonly ht?: Float64Array;
  readonly h?: readonly HistogramSample[];
}

/**
 * A rollup point of a series over [t - resolution, t): min, max, sum, count,
 * last, and the counter-correct increase (resets handled) within the bucket.
 */
export interface RollupData {
  readonly labels: Labels;
  readonly resolutionMs: number;
  readonly t: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly sum: Float64Array;
  readonly count: Float64Array;
  readonly last: Float64Array;
  readonly increase: Float64Array;
  /**
   * Histogram series only: the last (cumulative) histogram of each bucket,
   * null where the bucket had float samples only. The float columns of a
   * bucket with histograms only are count 0 and NaN.
   */
  readonly h?: readonly (HistogramSample | null)[];
}

export interface SelectHints {
  /** The query's step, if any; lets the store pick a coarser tier. */
  readonly stepMs?: number;
  /** Only labels are needed, no samples (series/labels APIs). */
  readonly labelsOnly?: boolean;
}

/** A consistent read-only view of the store at the time it was taken. */
export interface Querier {
  /** Series matching all matchers with their samples in [mint, maxt] (inclusive, ms). */
  select(matchers: readonly Matcher[], mint: number, maxt: number, hints?: SelectHints): Iterable<SeriesData>;
  /** Rollup points at the given tier for matching series, [mint, maxt]. */
  selectRollup(
    matchers: readonly Matcher[],
    mint: number,
    maxt: number,
    tier: Exclude<Tier, 'raw'>,
  ): Iterable<RollupData>;
  labelNames(matchers?: readonly Matcher[], mint?: number, maxt?: number): string[];
  labelValues(name: string, matchers?: readonly Matcher[], mint?: number, maxt?: number): string[];
  /** Releases the snapshot. */
  close(): void;
}

export interface TierStats {
  readonly tier: Tier;
  readonly retentionMs: number;
  readonly bytesOnDisk: number;
  readonly samples: number;
  readonly oldestMs: number | null;
  readonly newestMs: number | null;
}

export interface StorageStats {
  readonly series: number;
  readonly headSeries: number;
  readonly samplesAppended: number;
  readonly bytesOnDisk: number;
  readonly bytesPerSample: number;
  readonly oldestMs: number | null;
  readonly newestMs: number | null;
  readonly tiers: readonly TierStats[];
  readonly rejected: AppendResult;
  /** Top metric names by series count. */
  readonly topMetrics: readonly { name: string; series: number }[];
  /** Top label names by distinct value count. */
  readonly topLabels: readonly { name: string; values: number }[];
}

export interface Storage {
  appender(): Appender;
  querier(): Querier;
  metadata(metric?: string): ReadonlyMap<string, MetricMetadata>;
  setMetadata(metric: string, meta: MetricMetadata): void;
  /** Deletes samples of matching series in [mint, maxt]; resolves to the number of series touched. */
  deleteSeries(matchers: readonly Matcher[], mint?: number, maxt?: number): Promise<number>;
  stats(): StorageStats;
  /** Flushes and closes; the store reopens with everything committed. */
  close(): Promise<void>;
}
