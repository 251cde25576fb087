// What one ingest request may carry. Bodies past the byte limits answer 413,
// requests past the sample or series limits answer 422; both name the limit.

export interface IngestLimits {
  /** Bytes of a request body as sent (compressed or not). */
  readonly maxBodyBytes: number;
  /** Bytes of a body after snappy or gzip decompression (by default the same as maxBodyBytes). */
  readonly maxDecompressedBytes: number;
  /** Samples (float and histogram) in one request. */
  readonly maxSamplesPerRequest: number;
  /** Distinct series in one request. */
  readonly maxSeriesPerRequest: number;
  /** Labels on one series, `__name__` included. */
  readonly maxLabelsPerSeries: number;
  readonly maxLabelNameLength: number;
  readonly maxLabelValueLength: number;
  /** Rejected lines listed in an import's answer; the rest are only counted. */
  readonly maxRejectedReported: number;
}

export const DEFAULT_INGEST_LIMITS: IngestLimits = {
  maxBodyBytes: 32 * 1024 * 1024,
  maxDecompressedBytes: 32 * 1024 * 1024,
  maxSamplesPerRequest: 5_000_000,
  maxSeriesPerRequest: 1_000_000,
  maxLabelsPerSeries: 64,
  maxLabelNameLength: 256,
  maxLabelValueLength: 4096,
  maxRejectedReported: 100,
};

export function resolveLimits(partial?: Partial<IngestLimits>): IngestLimits {
  return { ...DEFAULT_INGEST_LIMITS, ...partial };
}

/** A request over a limit: 413 for bytes, 422 for samples or series. Nothing of it is stored. */
export class IngestLimitError extends Error {
  constructor(
    readonly status: 413 | 422,
    message: string,
  ) {
    super(message);
    this.name = 'IngestLimitError';
  }
}

/** Bad input that makes the whole request unreadable (400). */
export class IngestInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IngestInputError';
  }
}

/** The `ingest:` section of sonde's config, as limits. */
export interface IngestConfigSection {
  readonly max_body_bytes?: number;
  readonly max_decompressed_bytes?: number;
  readonly max_samples_per_request?: number;
  readonly max_series_per_request?: number;
  readonly max_labels_per_series?: number;
  readonly max_label_name_length?: number;
  readonly max_label_value_length?: number;
}

export function limitsFromConfig(c: IngestConfigSection | undefined): IngestLimits {
  const d = DEFAULT_INGEST_LIMITS;
  return {
    ...d,
    maxBodyBytes: c?.max_body_bytes ?? d.maxBodyBytes,
    // A compressed body expands to at most what an uncompressed one may be, unless set apart.
    maxDecompressedBytes: c?.max_decompressed_bytes ?? c?.max_body_bytes ?? d.maxDecompressedBytes,
    maxSamplesPerRequest: c?.max_samples_per_request ?? d.maxSamplesPerRequest,
    maxSeriesPerRequest: c?.max_series_per_request ?? d.maxSeriesPerRequest,
    maxLabelsPerSeries: c?.max_labels_per_series ?? d.maxLabelsPerSeries,
    maxLabelNameLength: c?.max_label_name_length ?? d.maxLabelNameLength,
    maxLabelValueLength: c?.max_label_value_length ?? d.maxLabelValueLength,
  };
}
