// Quantiles from exponential-bucket histogram sketches (the HistogramSample
// format of storage/types.ts: Prometheus native / OTLP exponential
// histograms). Cumulative samples of one series are turned into the
// distribution observed within a window (last minus first, counter resets
// handled), sketches of many series are merged bucket by bucket after
// reducing them to the coarsest schema, and a quantile is read with
// log-linear interpolation inside the bucket it falls in. So a 30-day P99 of
// a route is the P99 of every request in those 30 days.
import type { BucketRun, HistogramSample } from '../../storage/types.js';

/** A mutable sparse histogram: bucket index → count, at one schema. */
export interface Sketch {
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  count: number;
  sum: number;
  positive: Map<number, number>;
  negative: Map<number, number>;
}

export function emptySketch(schema = 8): Sketch {
  return {
    schema,
    zeroThreshold: 0,
    zeroCount: 0,
    count: 0,
    sum: 0,
    positive: new Map(),
    negative: new Map(),
  };
}

function runToMap(run: BucketRun, sign: 1 | -1, into: Map<number, number>, shift: number): void {
  for (let k = 0; k < run.counts.length; k++) {
    const c = run.counts[k];
    if (!c) continue;
    // Reducing the schema by `shift` merges 2^shift neighbouring buckets: i → ceil(i / 2^shift).
    const i = shift === 0 ? run.offset + k : Math.ceil((run.offset + k) / 2 ** shift);
    into.set(i, (into.get(i) ?? 0) + sign * c);
  }
}

function reduceSchema(s: Sketch, schema: number): void {
  if (schema >= s.schema) return;
  const shift = s.schema - schema;
  for (const side of ['positive', 'negative'] as const) {
    const m = new Map<number, number>();
    for (const [i, c] of s[side]) {
      const j = Math.ceil(i / 2 ** shift);
      m.set(j, (m.get(j) ?? 0) + c);
    }
    s[side] = m;
  }
  s.schema = schema;
}

/** Adds (sign 1) or subtracts (sign -1) a sample into the sketch, reducing schemas as needed. */
export function addSample(s: Sketch, h: HistogramSample, sign: 1 | -1 = 1): void {
  if (s.count === 0 && s.positive.size === 0 && s.negative.size === 0) s.schema = h.schema;
  if (h.schema < s.schema) reduceSchema(s, h.schema);
  const shift = h.schema - s.schema;
  runToMap(h.positive, sign, s.positive, shift);
  runToMap(h.negative, sign, s.negative, shift);
  s.zeroThreshold = Math.max(s.zeroThreshold, h.zeroThreshold);
  s.zeroCount += sign * h.zeroCount;
  s.count += sign * h.count;
  s.sum += sign * h.sum;
}

/**
 * The observations made within a run of cumulative samples of one series:
 * last minus first, plus the value before each counter reset (a reset is a
 * drop in count). With one sample, that sample is the distribution.
 */
export function windowIncrease(hs: readonly HistogramSample[]): Sketch {
  const s = emptySketch(hs.length ? hs[0].schema : 8);
  if (hs.length === 0) return s;
  if (hs.length === 1) {
    addSample(s, hs[0]);
    return s;
  }
  for (let i = 1; i < hs.length; i++) {
    if (hs[i].count < hs[i - 1].count) addSample(s, hs[i - 1]); // reset: keep what was counted before it
  }
  addSample(s, hs[hs.length - 1]);
  addSample(s, hs[0], -1);
  return s;
}

export function mergeSketches(sketches: readonly Sketch[]): Sketch {
  const out = emptySketch(Math.min(8, ...sketches.map((s) => s.schema)));
  for (const s of sketches) {
    const c = { ...s, positive: new Map(s.positive), negative: new Map(s.negative) };
    reduceSchema(c, out.schema);
    if (c.schema < out.schema) reduceSchema(out, c.schema);
    for (const side of ['positive', 'negative'] as const)
      for (const [i, n] of c[side]) out[side].set(i, (out[side].get(i) ?? 0) + n);
    out.zeroThreshold = Math.max(out.zeroThreshold, c.zeroThreshold);
    out.zeroCount += c.zeroCount;
    out.count += c.count;
    out.sum += c.sum;
  }
  return out;
}

/** Upper bound of bucket i at `schema`: base^i with base = 2^(2^-schema). */
export function bucketUpper(schema: number, i: number): number {
  return 2 ** (i * 2 ** -schema);
}

/**
 * The q-quantile of the sketch: the bucket holding rank q·count is found and
 * the value interpolated log-linearly between its bounds (exact at bucket
 * edges; relative error below the bucket width, ~0.27% at schema 8).
 */
export function sketchQuantile(s: Sketch, q: number): number {
  const total = s.zeroCount + sum(s.positive) + sum(s.negative);
  if (!(total > 0) || !(q >= 0 && q <= 1)) return Number.NaN;
  const rank = q * total;
  let acc = 0;
  const neg = [...s.negative.entries()].filter(([, c]) => c > 0).sort((a, b) => b[0] - a[0]);
  for (const [i, c] of neg) {
    if (acc + c >= rank) {
      const hi = bucketUpper(s.schema, i);
      const lo = bucketUpper(s.schema, i - 1);
      // Negative buckets run from -hi (most negative) to -lo.
      return -hi * (lo / hi) ** ((rank - acc) / c);
    }
    acc += c;
  }
  if (acc + s.zeroCount >= rank && s.zeroCount > 0) {
    const z = s.zeroThreshold;
    return -z + (2 * z * (rank - acc)) / s.zeroCount;
  }
  acc += s.zeroCount;
  const pos = [...s.positive.entries()].filter(([, c]) => c > 0).sort((a, b) => a[0] - b[0]);
  for (const [i, c] of pos) {
    if (acc + c >= rank) {
      const hi = bucketUpper(s.schema, i);
      const lo = Math.max(bucketUpper(s.schema, i - 1), s.zeroThreshold);
      return lo * (hi / lo) ** ((rank - acc) / c);
    }
    acc += c;
  }
  return pos.length ? bucketUpper(s.schema, pos[pos.length - 1][0]) : 0;
}

/** Share of observations ≤ x (the Apdex building block), interpolated like sketchQuantile. */
export function sketchFractionBelow(s: Sketch, x: number): number {
  const total = s.zeroCount + sum(s.positive) + sum(s.negative);
  if (!(total > 0)) return Number.NaN;
  let below = 0;
  for (const [i, c] of s.negative) if (-bucketUpper(s.schema, i - 1) <= x) below += c;
  if (x >= s.zeroThreshold) below += s.zeroCount;
  for (const [i, c] of s.positive) {
    const hi = bucketUpper(s.schema, i);
    const lo = Math.max(bucketUpper(s.schema, i - 1), s.zeroThreshold);
    if (hi <= x) below += c;
    else if (lo < x && lo > 0) below += (c * Math.log(x / lo)) / Math.log(hi / lo);
  }
  return below / total;
}

function sum(m: Map<number, number>): number {
  let t = 0;
  for (const c of m.values()) if (c > 0) t += c;
  return t;
}

/** Builds a sample from raw non-negative observations (fixtures; what an SDK histogram holds). */
export function sampleFromValues(values: readonly number[], schema = 8): HistogramSample {
  const pos = new Map<number, number>();
  let zero = 0;
  let s = 0;
  for (const v of values) {
    s += v;
    if (v <= 0) {
      zero++;
      continue;
    }
    const i = Math.ceil(Math.log2(v) * 2 ** schema - 1e-9);
    pos.set(i, (pos.get(i) ?? 0) + 1);
  }
  const idx = [...pos.keys()].sort((a, b) => a - b);
  const offset = idx.length ? idx[0] : 0;
  const counts = idx.length ? new Array(idx[idx.length - 1] - offset + 1).fill(0) : [];
  for (const [i, c] of pos) counts[i - offset] = c;
  return {
    schema,
    zeroThreshold: 0,
    zeroCount: zero,
    count: values.length,
    sum: s,
    positive: { offset, counts },
    negative: { offset: 0, counts: [] },
  };
}
