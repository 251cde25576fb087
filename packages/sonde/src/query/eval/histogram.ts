// Native (exponential-bucket) histograms during evaluation: a float
// histogram with sparse buckets by index, and the arithmetic PromQL needs on
// them (add, subtract, scale, counter-reset detection, quantile, fraction).
import type { HistogramSample } from '../../storage/types.js';

export interface FHist {
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  count: number;
  sum: number;
  /** Bucket index → count, positive and negative sides. */
  pos: Map<number, number>;
  neg: Map<number, number>;
}

export function fromSample(h: HistogramSample): FHist {
  const pos = new Map<number, number>();
  const neg = new Map<number, number>();
  for (let i = 0; i < h.positive.counts.length; i++) {
    const c = h.positive.counts[i];
    if (c !== 0) pos.set(h.positive.offset + i, c);
  }
  for (let i = 0; i < h.negative.counts.length; i++) {
    const c = h.negative.counts[i];
    if (c !== 0) neg.set(h.negative.offset + i, c);
  }
  return {
    schema: h.schema,
    zeroThreshold: h.zeroThreshold,
    zeroCount: h.zeroCount,
    count: h.count,
    sum: h.sum,
    pos,
    neg,
  };
}

function run(m: Map<number, number>): { offset: number; counts: number[] } {
  if (m.size === 0) return { offset: 0, counts: [] };
  const keys = [...m.keys()].sort((a, b) => a - b);
  const offset = keys[0];
  const counts = new Array(keys[keys.length - 1] - offset + 1).fill(0);
  for (const k of keys) counts[k - offset] = m.get(k)!;
  return { offset, counts };
}

export function toSample(h: FHist): HistogramSample {
  return {
    schema: h.schema,
    zeroThreshold: h.zeroThreshold,
    zeroCount: h.zeroCount,
    count: h.count,
    sum: h.sum,
    positive: run(h.pos),
    negative: run(h.neg),
  };
}

/** The bucket index at `schema` that index `i` at a finer `from` schema falls into. */
function reduceIndex(i: number, from: number, to: number): number {
  const shift = from - to;
  return Math.floor((i - 1) / 2 ** shift) + 1;
}

function atSchema(m: Map<number, number>, from: number, to: number): Map<number, number> {
  if (from === to) return m;
  const out = new Map<number, number>();
  for (const [i, c] of m) {
    const j = reduceIndex(i, from, to);
    out.set(j, (out.get(j) ?? 0) + c);
  }
  return out;
}

function combine(a: FHist, b: FHist, sign: 1 | -1): FHist {
  const schema = Math.min(a.schema, b.schema);
  const zt = Math.max(a.zeroThreshold, b.zeroThreshold);
  const pos = new Map(atSchema(a.pos, a.schema, schema));
  const neg = new Map(atSchema(a.neg, a.schema, schema));
  for (const [i, c] of atSchema(b.pos, b.schema, schema)) pos.set(i, (pos.get(i) ?? 0) + sign * c);
  for (const [i, c] of atSchema(b.neg, b.schema, schema)) neg.set(i, (neg.get(i) ?? 0) + sign * c);
  return {
    schema,
    zeroThreshold: zt,
    zeroCount: a.zeroCount + sign * b.zeroCount,
    count: a.count + sign * b.count,
    sum: a.sum + sign * b.sum,
    pos,
    neg,
  };
}

export const addHist = (a: FHist, b: FHist): FHist => combine(a, b, 1);
export const subHist = (a: FHist, b: FHist): FHist => combine(a, b, -1);

export function scaleHist(a: FHist, f: number): FHist {
  const scale = (m: Map<number, number>) => new Map([...m].map(([i, c]) => [i, c * f] as [number, number]));
  return {
    ...a,
    zeroCount: a.zeroCount * f,
    count: a.count * f,
    sum: a.sum * f,
    pos: scale(a.pos),
    neg: scale(a.neg),
  };
}

/** Whether `cur` shows a counter reset against `prev` (a count or bucket went down). */
export function detectReset(cur: FHist, prev: FHist): boolean {
  if (cur.count < prev.count || cur.zeroCount < prev.zeroCount) return true;
  if (cur.schema > prev.schema || cur.zeroThreshold !== prev.zeroThreshold) return true;
  const cp = atSchema(cur.pos, cur.schema, Math.min(cur.schema, prev.schema));
  const pp = atSchema(prev.pos, prev.schema, Math.min(cur.schema, prev.schema));
  for (const [i, c] of pp) if ((cp.get(i) ?? 0) < c) return true;
  const cn = atSchema(cur.neg, cur.schema, Math.min(cur.schema, prev.schema));
  const pn = atSchema(prev.neg, prev.schema, Math.min(cur.schema, prev.schema));
  for (const [i, c] of pn) if ((cn.get(i) ?? 0) < c) return true;
  return false;
}

interface Bucket {
  lower: number;
  upper: number;
  count: number;
}

/** Buckets from the most negative to the most positive, the zero bucket between. */
function allBuckets(h: FHist): Bucket[] {
  const base = 2 ** (2 ** -h.schema);
  const out: Bucket[] = [];
  for (const i of [...h.neg.keys()].sort((a, b) => b - a)) {
    out.push({ lower: -(base ** i), upper: -(base ** (i - 1)), count: h.neg.get(i)! });
  }
  if (h.zeroCount > 0 || h.zeroThreshold > 0)
    out.push({ lower: -h.zeroThreshold, upper: h.zeroThreshold, count: h.zeroCount });
  for (const i of [...h.pos.keys()].sort((a, b) => a - b)) {
    out.push({ lower: base ** (i - 1), upper: base ** i, count: h.pos.get(i)! });
  }
  return out;
}

/**
 * Non-empty buckets as Prometheus's API lists them: [boundary rule, lower,
 * upper, count] with rule 0 = (lower, upper], 1 = [lower, upper), 3 = [lower, upper].
 */
export function apiBuckets(h: HistogramSample): [number, number, number, number][] {
  const f = fromSample(h);
  return allBuckets(f)
    .filter((b) => b.count !== 0)
    .map((b) => [
      b.upper <= 0 && b.lower < 0 && !(b.lower === -f.zeroThreshold && b.upper === f.zeroThreshold)
        ? 1
        : b.lower === -f.zeroThreshold && b.upper === f.zeroThreshold
          ? 3
          : 0,
      b.lower,
      b.upper,
      b.count,
    ]);
}

/** Prometheus's histogramQuantile for native histograms (linear within the bucket). */
export function histQuantile(q: number, h: FHist): number {
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  if (h.count === 0 || Number.isNaN(q)) return Number.NaN;
  const buckets = allBuckets(h);
  if (buckets.length === 0) return Number.NaN;
  const rank = q * h.count;
  let count = 0;
  let b = buckets[0];
  for (const x of buckets) {
    b = x;
    count += x.count;
    if (count >= rank) break;
  }
  let { lower, upper } = b;
  if (lower < 0 && upper > 0) {
    if (h.neg.size === 0 && h.pos.size > 0) lower = 0;
    else if (h.pos.size === 0 && h.neg.size > 0) upper = 0;
  }
  if (count > h.count) count = h.count;
  if (count < rank) return upper;
  return lower + (upper - lower) * ((rank - (count - b.count)) / b.count);
}

/** Prometheus's histogramFraction: the share of observations in [lower, upper]. */
export function histFraction(lower: number, upper: number, h: FHist): number {
  if (h.count === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return Number.NaN;
  if (lower >= upper) return 0;
  let rank = 0;
  let lowerRank = 0;
  let upperRank = 0;
  let lowerSet = false;
  let upperSet = false;
  for (const b of allBuckets(h)) {
    let { lower: bl, upper: bu } = b;
    if (bl < 0 && bu > 0) {
      if (h.neg.size === 0 && h.pos.size > 0) bl = 0;
      else if (h.pos.size === 0 && h.neg.size > 0) bu = 0;
    }
    const interp = (v: number) => rank + (b.count * (v - bl)) / (bu - bl);
    if (!lowerSet && bl >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && bl >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && bl < lower && bu > lower) {
      lowerRank = interp(lower);
      lowerSet = true;
    }
    if (!upperSet && bl < upper && bu > upper) {
      upperRank = interp(upper);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank += b.count;
  }
  if (!lowerSet || lowerRank > h.count) lowerRank = h.count;
  if (!upperSet || upperRank > h.count) upperRank = h.count;
  return (upperRank - lowerRank) / h.count;
}
