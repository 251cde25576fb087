// A plain "metric family" model for code that holds its metrics as data (the
// sonde server's self-metrics, collectors, tests); text.ts and openmetrics.ts
// write it. The SDK's own metrics write their text directly with cached
// label strings.

export type FamilyType =
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'gaugehistogram'
  | 'summary'
  | 'info'
  | 'stateset'
  | 'unknown';

export interface ExpositionSample {
  /** Full sample name (e.g. `x_bucket`); defaults to the family name (counters in OpenMetrics: `<family>_total`). */
  readonly name?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
  /** Milliseconds since the epoch. */
  readonly timestampMs?: number;
}

export interface ExpositionFamily {
  /** The family name; for counters either with or without `_total`. */
  readonly name: string;
  readonly help: string;
  readonly type: FamilyType;
  /** OpenMetrics unit (the name must end with `_<unit>`); ignored by text 0.0.4. */
  readonly unit?: string;
  readonly samples: readonly ExpositionSample[];
}
