// What evaluation passes between nodes. Every value covers all steps of the
// evaluation at once, columnar: a series holds one Float64Array of values and a
// Uint8Array saying at which steps it has a sample. No per-point objects.
import type { HistogramSample, Labels } from '../../storage/types.js';
import type { FHist } from './histogram.js';

/** An instant-vector series over the steps: `has[i]` says whether `v[i]` is a sample. */
export interface StepSeries {
  labels: Labels;
  v: Float64Array;
  has: Uint8Array;
  /** labelsKey(labels), cached once computed. */
  key?: string;
  /** Native-histogram samples: where `h[i]` is set, the sample at step i is that histogram (v[i] is NaN). */
  h?: (FHist | undefined)[];
}

/** The series without its histogram samples (the same object when it has none). */
export function floatsOnly(s: StepSeries): StepSeries {
  if (!s.h) return s;
  const has = Uint8Array.from(s.has);
  for (let i = 0; i < has.length; i++) if (s.h[i]) has[i] = 0;
  return { labels: s.labels, v: s.v, has, key: s.key };
}

export interface VectorValue {
  readonly type: 'vector';
  series: StepSeries[];
}

export interface ScalarValue {
  readonly type: 'scalar';
  /** One value per step. */
  readonly v: Float64Array;
}

export interface StringValue {
  readonly type: 'string';
  readonly value: string;
}

/** Raw samples of one series (stale markers removed), ascending time. */
export interface RawSeries {
  labels: Labels;
  t: Float64Array;
  v: Float64Array;
  key?: string;
  /** Native-histogram samples, ascending time, stale markers removed. */
  ht?: Float64Array;
  h?: readonly HistogramSample[];
}

/** A range vector: the samples, and how each step's window is placed over them. */
export interface MatrixValue {
  readonly type: 'matrix';
  readonly series: RawSeries[];
  readonly rangeMs: number;
  readonly offsetMs: number;
  /** Fixed evaluation time (the @ modifier), or null for the step's time. */
  readonly atMs: number | null;
}

export type EvalValue = VectorValue | ScalarValue | StringValue | MatrixValue;
