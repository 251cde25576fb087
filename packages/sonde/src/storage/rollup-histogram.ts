// Rollups of histogram series: per bucket [end - res, end), the last
// (cumulative) histogram sample in it. Partial buckets from different flushes
// merge by keeping the later sample, so merging is exact; the increase over
// any span is the difference of two points' histograms (bucket by bucket,
// counter-reset aware on the reader's side), which is what rate() and
// histogram_quantile() over rolled-up data need.
import { decodeHistograms, encodeHistograms } from './chunkenc/chunk-histogram.js';
import { columnEncodings } from './chunkenc/int-series.js';
import { decodeTimestamps, encodeTimestamps } from './chunkenc/timestamps.js';
import { ByteReader, ByteWriter } from './chunkenc/varint.js';
import type { HistogramSample } from './types.js';

export interface HistogramRollup {
  t: number[];
  h: HistogramSample[];
}

export const NO_HISTOGRAM_ROLLUP: HistogramRollup = { t: [], h: [] };

/** Last histogram per bucket of sorted samples. */
export function computeHistogramRollup(
  ht: readonly number[],
  h: readonly HistogramSample[],
  res: number,
): HistogramRollup {
  const out: HistogramRollup = { t: [], h: [] };
  for (let i = 0; i < ht.length; i++) {
    const end = Math.floor(ht[i] / res) * res + res;
    const k = out.t.length - 1;
    if (k >= 0 && out.t[k] === end) out.h[k] = h[i];
    else {
      out.t.push(end);
      out.h.push(h[i]);
    }
  }
  return out;
}

/** Merges rollups given in source order; on equal bucket ends the later source wins. */
export function mergeHistogramRollups(parts: readonly HistogramRollup[]): HistogramRollup {
  const live = parts.filter((p) => p.t.length > 0);
  if (live.length <= 1) return live[0] ?? NO_HISTOGRAM_ROLLUP;
  const byEnd = new Map<number, HistogramSample>();
  for (const p of live) for (let i = 0; i < p.t.length; i++) byEnd.set(p.t[i], p.h[i]);
  const t = [...byEnd.keys()].sort((a, b) => a - b);
  return { t, h: t.map((x) => byEnd.get(x)!) };
}

export function histogramRollupRange(
  p: HistogramRollup,
  mint: number,
  maxt: number,
  res: number,
): HistogramRollup {
  const t: number[] = [];
  const h: HistogramSample[] = [];
  for (let i = 0; i < p.t.length; i++) {
    if (p.t[i] < mint || p.t[i] > maxt + res) continue;
    t.push(p.t[i]);
    h.push(p.h[i]);
  }
  return { t, h };
}

export function encodeHistogramRollup(p: HistogramRollup): (Uint8Array | Uint8Array[])[] {
  const w = new ByteWriter(256);
  return [
    columnEncodings(w, () => encodeTimestamps(w, p.t, 0, p.t.length)),
    columnEncodings(w, () => encodeHistograms(w, p.h, 0, p.h.length)),
  ];
}

export function decodeHistogramRollup(cols: Uint8Array[], n: number): HistogramRollup {
  if (cols.length !== 2) throw new RangeError('corrupt histogram rollup chunk');
  const t = new Float64Array(n);
  if (decodeTimestamps(new ByteReader(cols[0]), t, 0) !== n)
    throw new RangeError('corrupt histogram rollup chunk');
  const h = decodeHistograms(new ByteReader(cols[1]));
  if (h.length !== n) throw new RangeError('corrupt histogram rollup chunk');
  return { t: Array.from(t), h };
}
