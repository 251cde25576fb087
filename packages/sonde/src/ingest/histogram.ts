// Conversions into the store's HistogramSample (dense runs of absolute
// counts): from Prometheus native-histogram spans with delta or absolute
// counts, and the schema reduction OTLP's finer scales need.
import type { BucketRun, HistogramSample } from '../storage/types.js';

/** More buckets than this in one dense run (gaps included) is refused: a span could ask for millions. */
export const MAX_DENSE_BUCKETS = 16_384;

export interface Span {
  readonly offset: number;
  readonly length: number;
}

/**
 * Spans (first offset absolute, later ones gaps after the previous span) and
 * their counts, as deltas (integer histograms) or absolute (float ones), to
 * one dense run. Returns a reason string when the input is inconsistent.
 */
export function spansToRun(
  spans: readonly Span[],
  values: readonly number[],
  deltas: boolean,
): BucketRun | string {
  if (spans.length === 0) {
    return values.length === 0 ? { offset: 0, counts: [] } : 'bucket counts without spans';
  }
  let want = 0;
  let width = 0;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i];
    if (!Number.isInteger(s.offset) || !Number.isInteger(s.length) || s.length < 0)
      return 'invalid bucket span';
    if (i > 0 && s.offset < 0) return 'negative gap between bucket spans';
    want += s.length;
    width += s.length + (i > 0 ? s.offset : 0);
  }
  if (want !== values.length) return `spans cover ${want} buckets but ${values.length} counts were sent`;
  if (width > MAX_DENSE_BUCKETS) return `histogram spans ${width} buckets, more than ${MAX_DENSE_BUCKETS}`;
  const counts: number[] = new Array(width);
  let pos = 0;
  let vi = 0;
  let running = 0;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i];
    if (i > 0) for (let g = 0; g < s.offset; g++) counts[pos++] = 0;
    for (let k = 0; k < s.length; k++) {
      const v = values[vi++];
      running = deltas ? running + v : v;
      if (running < 0) return 'negative bucket count';
      counts[pos++] = running;
    }
  }
  return { offset: spans[0].offset, counts };
}

/** Merges pairs of buckets until the schema is at most `max` (OTLP allows scales up to 20; the store 8). */
export function reduceSchema(h: HistogramSample, max = 8): HistogramSample {
  if (h.schema <= max) return h;
  const shift = h.schema - max;
  return {
    ...h,
    schema: max,
    positive: reduceRun(h.positive, shift),
    negative: reduceRun(h.negative, shift),
  };
}

function reduceRun(run: BucketRun, shift: number): BucketRun {
  if (run.counts.length === 0) return run;
  // Prometheus index i covers (base^(i-1), base^i]; halving the resolution maps i to ceil(i / 2).
  const target = (i: number) => Math.ceil(i / 2 ** shift);
  const offset = target(run.offset);
  const counts: number[] = [];
  for (let k = 0; k < run.counts.length; k++) {
    const j = target(run.offset + k) - offset;
    counts[j] = (counts[j] ?? 0) + run.counts[k];
  }
  for (let j = 0; j < counts.length; j++) counts[j] ??= 0;
  return { offset, counts };
}
