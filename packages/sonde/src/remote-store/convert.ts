// The Prometheus HTTP API's JSON results back into sonde's QueryValue:
// seconds to ms, value strings ("NaN", "+Inf", "-Inf", decimals) to numbers,
// and native-histogram bucket boundaries back to exponential bucket runs.
import type { InstantSample, QueryValue, RangeSeries } from '../query/types.js';
import type { BucketRun, HistogramSample, Labels } from '../storage/types.js';

/** [unix seconds, "value"] as the API writes a sample. */
export type ApiPoint = [number, string];

/** A native histogram as the API writes it: buckets are [boundaryRule, lower, upper, count]. */
export interface ApiHistogram {
  readonly count: string;
  readonly sum: string;
  readonly buckets?: readonly [number, string, string, string][];
}

export interface ApiSeries {
  readonly metric: Record<string, string>;
  readonly value?: ApiPoint;
  readonly values?: ApiPoint[];
  readonly histogram?: [number, ApiHistogram];
  readonly histograms?: [number, ApiHistogram][];
}

export type ApiData =
  | { resultType: 'vector'; result: ApiSeries[] }
  | { resultType: 'matrix'; result: ApiSeries[] }
  | { resultType: 'scalar'; result: ApiPoint }
  | { resultType: 'string'; result: [number, string] };

export class ConvertError extends Error {}

/** Parses a sample value as Prometheus formats it (Go's strconv.FormatFloat plus ±Inf/NaN). */
export function parseApiNumber(s: string): number {
  switch (s) {
    case 'NaN':
      return Number.NaN;
    case '+Inf':
    case 'Inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
      return Number.NEGATIVE_INFINITY;
  }
  const v = Number(s);
  if (Number.isNaN(v) || s.trim() === '') throw new ConvertError(`invalid sample value "${s}"`);
  return v;
}

export function secondsToMs(t: number): number {
  return Math.round(t * 1000);
}

function frozenLabels(metric: Record<string, string>): Labels {
  return Object.freeze({ ...metric });
}

/** The exponential bucket index of an upper bound at a schema: base^index = upper. */
function bucketIndex(upper: number, schema: number): number {
  return Math.round(Math.log2(upper) * 2 ** schema);
}

/**
 * Rebuilds an exponential-bucket histogram from the API's boundaries. The
 * schema is read from the ratio of a bucket's bounds (base = upper/lower =
 * 2^(2^-schema)); the zero bucket is the one straddling zero.
 */
export function histogramFromApi(h: ApiHistogram): HistogramSample {
  const buckets = h.buckets ?? [];
  let schema = 0;
  let zeroThreshold = 0;
  let zeroCount = 0;
  let found = false;
  for (const [, lo, hi] of buckets) {
    const l = parseApiNumber(lo);
    const u = parseApiNumber(hi);
    if (l > 0 && u > l) {
      schema = Math.round(-Math.log2(Math.log2(u / l)));
      found = true;
      break;
    }
    if (u < 0 && l < u) {
      schema = Math.round(-Math.log2(Math.log2(l / u)));
      found = true;
      break;
    }
  }
  // -0 from the logarithms of base 2 is schema 0.
  schema = found ? schema + 0 : 0;
  const pos = new Map<number, number>();
  const neg = new Map<number, number>();
  for (const [, lo, hi, c] of buckets) {
    const l = parseApiNumber(lo);
    const u = parseApiNumber(hi);
    const count = parseApiNumber(c);
    if (l <= 0 && u >= 0) {
      zeroThreshold = u;
      zeroCount = count;
    } else if (l > 0) pos.set(bucketIndex(u, schema), count);
    else neg.set(bucketIndex(-l, schema), count);
  }
  return {
    schema,
    zeroThreshold,
    zeroCount,
    count: parseApiNumber(h.count),
    sum: parseApiNumber(h.sum),
    positive: toRun(pos),
    negative: toRun(neg),
  };
}

function toRun(byIndex: Map<number, number>): BucketRun {
  if (byIndex.size === 0) return { offset: 0, counts: [] };
  const idx = [...byIndex.keys()].sort((a, b) => a - b);
  const offset = idx[0];
  const counts = new Array<number>(idx[idx.length - 1] - offset + 1).fill(0);
  for (const i of idx) counts[i - offset] = byIndex.get(i)!;
  return { offset, counts };
}

function rangeSeries(s: ApiSeries): RangeSeries {
  const values = s.values ?? [];
  const t = new Float64Array(values.length);
  const v = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    t[i] = secondsToMs(values[i][0]);
    v[i] = parseApiNumber(values[i][1]);
  }
  const out: { -readonly [K in keyof RangeSeries]: RangeSeries[K] } = {
    labels: frozenLabels(s.metric),
    t,
    v,
  };
  if (s.histograms?.length) {
    out.ht = Float64Array.from(s.histograms, (p) => secondsToMs(p[0]));
    out.h = s.histograms.map((p) => histogramFromApi(p[1]));
  }
  return out;
}

function instantSample(s: ApiSeries): InstantSample {
  if (s.histogram) {
    return {
      labels: frozenLabels(s.metric),
      t: secondsToMs(s.histogram[0]),
      v: Number.NaN,
      h: histogramFromApi(s.histogram[1]),
    };
  }
  if (!s.value) throw new ConvertError('vector sample without a value');
  return { labels: frozenLabels(s.metric), t: secondsToMs(s.value[0]), v: parseApiNumber(s.value[1]) };
}

/** Converts the `data` of a query or query_range answer. */
export function toQueryValue(data: ApiData): QueryValue {
  switch (data?.resultType) {
    case 'vector':
      return { type: 'vector', samples: data.result.map(instantSample) };
    case 'matrix':
      return { type: 'matrix', series: data.result.map(rangeSeries) };
    case 'scalar':
      return { type: 'scalar', t: secondsToMs(data.result[0]), v: parseApiNumber(data.result[1]) };
    case 'string':
      return { type: 'string', t: secondsToMs(data.result[0]), v: String(data.result[1]) };
    default:
      throw new ConvertError(
        `unexpected resultType ${JSON.stringify((data as { resultType?: unknown })?.resultType)}`,
      );
  }
}
