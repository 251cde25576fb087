// Exact statistical summaries over raw samples: every percentile is computed
// from the sorted values themselves (linear interpolation between closest
// ranks, as numpy's default and Prometheus' quantile_over_time), never from
// averages of averages. NaN (including Prometheus stale markers) is skipped.

export interface Summary {
  readonly count: number;
  readonly mean: number;
  readonly median: number;
  readonly stddev: number;
  readonly min: number;
  readonly max: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999: number;
}

/** The finite values of v, sorted ascending, in a new array. */
export function sortedFinite(v: ArrayLike<number>): Float64Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i])) n++;
  const out = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i])) out[j++] = v[i];
  return out.sort();
}

/** The q-quantile (0 ≤ q ≤ 1) of sorted values; NaN when empty. */
export function quantileSorted(s: ArrayLike<number>, q: number): number {
  const n = s.length;
  if (n === 0 || !(q >= 0 && q <= 1)) return Number.NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export function quantile(v: ArrayLike<number>, q: number): number {
  return quantileSorted(sortedFinite(v), q);
}

export function median(v: ArrayLike<number>): number {
  return quantile(v, 0.5);
}

/** Summary of one or more value columns taken together. */
export function summarize(...columns: ArrayLike<number>[]): Summary {
  let total = 0;
  for (const c of columns) total += c.length;
  const all = new Float64Array(total);
  let k = 0;
  for (const c of columns) for (let i = 0; i < c.length; i++) all[k++] = c[i];
  const s = sortedFinite(all);
  const n = s.length;
  if (n === 0) {
    const nan = Number.NaN;
    return {
      count: 0,
      mean: nan,
      median: nan,
      stddev: nan,
      min: nan,
      max: nan,
      p50: nan,
      p90: nan,
      p95: nan,
      p99: nan,
      p999: nan,
    };
  }
  // Welford: stable for large offsets (timestamps, byte counters).
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const d = s[i] - mean;
    mean += d / (i + 1);
    m2 += d * (s[i] - mean);
  }
  const q = (p: number) => quantileSorted(s, p);
  return {
    count: n,
    mean,
    median: q(0.5),
    stddev: n > 1 ? Math.sqrt(m2 / (n - 1)) : 0,
    min: s[0],
    max: s[n - 1],
    p50: q(0.5),
    p90: q(0.9),
    p95: q(0.95),
    p99: q(0.99),
    p999: q(0.999),
  };
}
