// Turns what a head cut (or a compaction) produced into block files: the raw
// block (float and histogram chunks) and its 1-minute and 1-hour rollup
// blocks, computed from the same samples. Yields to the event loop between
// series batches so ingest and queries keep flowing during a flush.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  BlockWriter,
  type ChunkToWrite,
  KIND_FLOAT,
  KIND_HISTOGRAM,
  KIND_HISTOGRAM_ROLLUP,
  KIND_ROLLUP,
  type TierId,
} from './block-writer.js';
import { encodeHistograms } from './chunkenc/chunk-histogram.js';
import { columnEncodings } from './chunkenc/int-series.js';
import { encodeTimestamps } from './chunkenc/timestamps.js';
import { encodeValues } from './chunkenc/values.js';
import { ByteWriter } from './chunkenc/varint.js';
import type { CutSeries } from './head.js';
import { type RollupPoints, TIER_RES, computeRollup, encodeRollup } from './rollup.js';
import { type HistogramRollup, computeHistogramRollup, encodeHistogramRollup } from './rollup-histogram.js';
import type { Samples } from './series.js';
import type { HistogramSample } from './types.js';

export const MAX_CHUNK_SAMPLES = 8192;
export const TIER_NAMES = ['raw', '1m', '1h'] as const;

const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

export function blockPath(dir: string, tier: TierId, minT: number, maxT: number): string {
  return join(dir, `${TIER_NAMES[tier]}-${minT}-${maxT}-${randomBytes(4).toString('hex')}.blk`);
}

const w = new ByteWriter(1 << 16);

export function floatChunks(f: Samples): ChunkToWrite[] {
  const out: ChunkToWrite[] = [];
  const n = f.t.length;
  for (let a = 0; a < n; a += MAX_CHUNK_SAMPLES) {
    const b = Math.min(n, a + MAX_CHUNK_SAMPLES);
    const ts = columnEncodings(w, () => encodeTimestamps(w, f.t, a, b));
    const vs = columnEncodings(w, () => encodeValues(w, f.v, a, b));
    out.push({ kind: KIND_FLOAT, minT: f.t[a], maxT: f.t[b - 1], n: b - a, columns: [ts, vs] });
  }
  return out;
}

export function histogramChunks(ht: readonly number[], h: readonly HistogramSample[]): ChunkToWrite[] {
  const out: ChunkToWrite[] = [];
  for (let a = 0; a < ht.length; a += MAX_CHUNK_SAMPLES) {
    const b = Math.min(ht.length, a + MAX_CHUNK_SAMPLES);
    const ts = columnEncodings(w, () => encodeTimestamps(w, ht, a, b));
    const hs = columnEncodings(w, () => encodeHistograms(w, h, a, b));
    out.push({ kind: KIND_HISTOGRAM, minT: ht[a], maxT: ht[b - 1], n: b - a, columns: [ts, hs] });
  }
  return out;
}

export function rollupChunks(p: RollupPoints): ChunkToWrite[] {
  const n = p.t.length;
  if (n === 0) return [];
  return [{ kind: KIND_ROLLUP, minT: p.t[0], maxT: p.t[n - 1], n, columns: encodeRollup(p) }];
}

export function histogramRollupChunks(p: HistogramRollup): ChunkToWrite[] {
  const n = p.t.length;
  if (n === 0) return [];
  return [
    { kind: KIND_HISTOGRAM_ROLLUP, minT: p.t[0], maxT: p.t[n - 1], n, columns: encodeHistogramRollup(p) },
  ];
}

export interface BuiltBlock {
  readonly path: string;
  readonly tier: TierId;
}

/** Writes the raw, 1m and 1h blocks for a cut; returns their paths (empty tiers are skipped). */
export async function buildBlocks(dir: string, cut: ReadonlyMap<number, CutSeries>): Promise<BuiltBlock[]> {
  const refs = [...cut.keys()].sort((a, b) => a - b);
  let minT = Number.POSITIVE_INFINITY;
  let maxT = Number.NEGATIVE_INFINITY;
  // Extents come from chunk headers: decoding every series up front would hold
  // the whole cut decoded at once (a memory peak the allocator keeps).
  for (const c of cut.values()) {
    minT = Math.min(minT, c.minT);
    maxT = Math.max(maxT, c.maxT);
    if (c.ht.length) {
      minT = Math.min(minT, c.ht[0]);
      maxT = Math.max(maxT, c.ht[c.ht.length - 1]);
    }
  }
  if (!Number.isFinite(minT)) return [];
  const writers = ([0, 1, 2] as TierId[]).map(
    (tier) => new BlockWriter(blockPath(dir, tier, minT, maxT), tier),
  );
  try {
    let since = performance.now();
    for (const ref of refs) {
      const c = cut.get(ref)!;
      writers[0].addSeries(ref, [...floatChunks(c.floats), ...histogramChunks(c.ht, c.h)]);
      for (const [tier, res] of [
        [1, TIER_RES['1m']],
        [2, TIER_RES['1h']],
      ] as const) {
        const chunks = c.floats.t.length ? rollupChunks(computeRollup(c.floats, c.prev, res)) : [];
        if (c.ht.length) chunks.push(...histogramRollupChunks(computeHistogramRollup(c.ht, c.h, res)));
        writers[tier].addSeries(ref, chunks);
      }
      c.release();
      if (performance.now() - since > 8) {
        await yieldNow();
        since = performance.now();
      }
    }
    const done = writers.filter((wr) => wr.samples > 0);
    for (const wr of writers) if (wr.samples === 0) wr.abort();
    for (const wr of done) wr.finish(false);
    // the tiers appear together, right before the caller records the flush
    for (const wr of done) wr.publish();
    return done.map((wr) => ({ path: wr.path, tier: wr.tier }));
  } catch (err) {
    for (const wr of writers) wr.abort();
    throw err;
  }
}
