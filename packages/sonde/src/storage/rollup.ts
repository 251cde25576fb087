// Rollup points: per bucket [end - res, end), the min, max, sum, count and
// last value, and the counter-correct increase (a drop is a reset: the value
// after it counts from zero). The increase of a bucket includes the step from
// the previous sample, even one in an earlier bucket, so the increases of
// consecutive buckets add up to the increase over all of them. Partial
// buckets from different flushes combine with `mergeRollups`.
import { columnEncodings } from './chunkenc/int-series.js';
import { decodeTimestamps, encodeTimestamps } from './chunkenc/timestamps.js';
import { decodeValues, encodeValues } from './chunkenc/values.js';
import { ByteReader, ByteWriter } from './chunkenc/varint.js';
import { isStaleNaN } from './labels.js';
import type { Samples } from './series.js';

export const TIER_RES = { '1m': 60_000, '1h': 3_600_000 } as const;

export interface RollupPoints {
  t: Float64Array;
  min: Float64Array;
  max: Float64Array;
  sum: Float64Array;
  count: Float64Array;
  last: Float64Array;
  increase: Float64Array;
}

const FIELDS = ['min', 'max', 'sum', 'count', 'last', 'increase'] as const;

function alloc(n: number): RollupPoints {
  return {
    t: new Float64Array(n),
    min: new Float64Array(n),
    max: new Float64Array(n),
    sum: new Float64Array(n),
    count: new Float64Array(n),
    last: new Float64Array(n),
    increase: new Float64Array(n),
  };
}

function truncate(p: RollupPoints, n: number): RollupPoints {
  if (n === p.t.length) return p;
  const out = alloc(n);
  out.t.set(p.t.subarray(0, n));
  for (const f of FIELDS) out[f].set(p[f].subarray(0, n));
  return out;
}

/** Rollup of sorted raw samples; `prev` is the value just before them (NaN if none). */
export function computeRollup(s: Samples, prev: number, res: number): RollupPoints {
  const n = s.t.length;
  const out = alloc(n === 0 ? 0 : Math.min(n, Math.ceil((s.t[n - 1] - s.t[0]) / res) + 2));
  let k = -1;
  let end = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = s.v[i];
    if (isStaleNaN(v)) continue;
    const e = Math.floor(s.t[i] / res) * res + res;
    if (e !== end) {
      k++;
      end = e;
      out.t[k] = e;
      out.min[k] = v;
      out.max[k] = v;
      out.sum[k] = 0;
      out.count[k] = 0;
      out.increase[k] = 0;
    }
    if (v < out.min[k]) out.min[k] = v;
    if (v > out.max[k]) out.max[k] = v;
    out.sum[k] += v;
    out.count[k]++;
    out.last[k] = v;
    if (!Number.isNaN(prev)) out.increase[k] += v >= prev ? v - prev : v;
    prev = v;
  }
  return truncate(out, k + 1);
}

/** Coarser buckets from finer rollup points (1m → 1h). */
export function coarsen(p: RollupPoints, res: number): RollupPoints {
  const n = p.t.length;
  const out = alloc(n);
  let k = -1;
  let end = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const e = Math.ceil(p.t[i] / res) * res;
    if (e !== end) {
      k++;
      end = e;
      out.t[k] = e;
      out.min[k] = p.min[i];
      out.max[k] = p.max[i];
      out.sum[k] = 0;
      out.count[k] = 0;
      out.increase[k] = 0;
    }
    combineInto(out, k, p, i);
  }
  return truncate(out, k + 1);
}

function combineInto(out: RollupPoints, k: number, p: RollupPoints, i: number): void {
  if (p.min[i] < out.min[k]) out.min[k] = p.min[i];
  if (p.max[i] > out.max[k]) out.max[k] = p.max[i];
  out.sum[k] += p.sum[i];
  out.count[k] += p.count[i];
  out.last[k] = p.last[i];
  out.increase[k] += p.increase[i];
}

/** Merges point sets in time order of their sources; equal bucket ends combine. */
export function mergeRollups(parts: RollupPoints[]): RollupPoints {
  const live = parts.filter((p) => p.t.length > 0);
  if (live.length === 0) return alloc(0);
  if (live.length === 1) return live[0];
  const idx: [number, number][] = [];
  live.forEach((p, j) => {
    for (let i = 0; i < p.t.length; i++) idx.push([j, i]);
  });
  idx.sort((a, b) => live[a[0]].t[a[1]] - live[b[0]].t[b[1]] || a[0] - b[0]);
  const out = alloc(idx.length);
  let k = -1;
  for (const [j, i] of idx) {
    const p = live[j];
    if (k < 0 || out.t[k] !== p.t[i]) {
      k++;
      out.t[k] = p.t[i];
      out.min[k] = p.min[i];
      out.max[k] = p.max[i];
      out.sum[k] = 0;
      out.count[k] = 0;
      out.increase[k] = 0;
    }
    combineInto(out, k, p, i);
  }
  return truncate(out, k + 1);
}

/** Points with bucket end in [mint, maxt + res] (buckets overlapping the range). */
export function rollupRange(p: RollupPoints, mint: number, maxt: number, res: number): RollupPoints {
  let a = 0;
  while (a < p.t.length && p.t[a] < mint) a++;
  let b = a;
  while (b < p.t.length && p.t[b] <= maxt + res) b++;
  if (a === 0 && b === p.t.length) return p;
  const out = alloc(b - a);
  out.t.set(p.t.subarray(a, b));
  for (const f of FIELDS) out[f].set(p[f].subarray(a, b));
  return out;
}

/** Encoded columns: timestamps, then the six value columns. */
export function encodeRollup(p: RollupPoints): (Uint8Array | Uint8Array[])[] {
  const n = p.t.length;
  const w = new ByteWriter(256);
  const cols = [columnEncodings(w, () => encodeTimestamps(w, p.t, 0, n))];
  for (const f of FIELDS) cols.push(columnEncodings(w, () => encodeValues(w, p[f], 0, n)));
  return cols;
}

export function decodeRollup(cols: Uint8Array[], n: number): RollupPoints {
  if (cols.length !== 7) throw new RangeError('corrupt rollup chunk');
  const out = alloc(n);
  if (decodeTimestamps(new ByteReader(cols[0]), out.t, 0) !== n) throw new RangeError('corrupt rollup chunk');
  FIELDS.forEach((f, i) => {
    if (decodeValues(new ByteReader(cols[i + 1]), out[f], 0) !== n)
      throw new RangeError('corrupt rollup chunk');
  });
  return out;
}
