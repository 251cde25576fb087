// Rollup points (min, max, sum, count, last, counter-correct increase) over
// fixed buckets ending at multiples of the resolution, computed from raw
// samples: a remote store has no sonde tiers, so they are derived on read.
import { isStaleNaN } from '../storage/labels.js';
import type { RollupData, SeriesData } from '../storage/types.js';

/** Buckets (end - res, end] for ends in [mint, maxt + res); undefined when none has samples. */
export function rollup(s: SeriesData, res: number, mint: number, maxt: number): RollupData | undefined {
  const ends: number[] = [];
  const acc: { min: number; max: number; sum: number; count: number; last: number; inc: number }[] = [];
  let prev: number | undefined;
  for (let i = 0; i < s.t.length; i++) {
    const v = s.v[i];
    if (isStaleNaN(v)) continue;
    const end = Math.floor(s.t[i] / res) * res + res;
    if (end < mint || end > maxt + res) {
      prev = v;
      continue;
    }
    let b = acc[acc.length - 1];
    if (ends[ends.length - 1] !== end) {
      ends.push(end);
      b = { min: Infinity, max: -Infinity, sum: 0, count: 0, last: 0, inc: 0 };
      acc.push(b);
    }
    b.min = Math.min(b.min, v);
    b.max = Math.max(b.max, v);
    b.sum += v;
    b.count++;
    b.last = v;
    if (prev !== undefined) b.inc += v >= prev ? v - prev : v;
    prev = v;
  }
  if (ends.length === 0) return undefined;
  const col = (f: (b: (typeof acc)[number]) => number) => Float64Array.from(acc, f);
  return {
    labels: s.labels,
    resolutionMs: res,
    t: Float64Array.from(ends),
    min: col((b) => b.min),
    max: col((b) => b.max),
    sum: col((b) => b.sum),
    count: col((b) => b.count),
    last: col((b) => b.last),
    increase: col((b) => b.inc),
  };
}
