// Compaction: the small blocks each flush writes are merged, per tier, into
// one block per aligned window (a ladder: 2 h, then 6 h for raw, 1 day for 1m,
// 1 day then 30 days for 1h) once the window is complete. Samples are re-read, deduplicated, stripped of deleted ranges
// and re-encoded into longer chunks; the inputs are deleted after the merged
// block is in place (a crash in between leaves duplicates that reads drop).
import {
  blockPath,
  floatChunks,
  histogramChunks,
  histogramRollupChunks,
  rollupChunks,
} from './block-build.js';
import { CorruptChunkError } from './block-reader.js';
import {
  BlockWriter,
  type ChunkToWrite,
  KIND_FLOAT,
  KIND_HISTOGRAM,
  KIND_HISTOGRAM_ROLLUP,
  KIND_ROLLUP,
  type TierId,
} from './block-writer.js';
import { decodeHistograms } from './chunkenc/chunk-histogram.js';
import { decodeTimestamps } from './chunkenc/timestamps.js';
import { ByteReader } from './chunkenc/varint.js';
import { type BlockEntry, type Tombstone, decodeFloat, dropTombstoned } from './querier.js';
import { type RollupPoints, TIER_RES, decodeRollup, mergeRollups } from './rollup.js';
import { type HistogramRollup, decodeHistogramRollup, mergeHistogramRollups } from './rollup-histogram.js';
import { mergeRuns, rangeOf } from './samples.js';
import type { Samples } from './series.js';
import type { HistogramSample } from './types.js';

const H = 3_600_000;
/** Window sizes each tier's blocks are merged into, smallest first (a ladder keeps file counts low). */
export const COMPACT_WINDOWS: Record<TierId, number[]> = {
  0: [2 * H, 6 * H],
  1: [2 * H, 24 * H],
  2: [2 * H, 24 * H, 30 * 24 * H],
};

const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

function deleted(t: number, ref: number, tombs: readonly Tombstone[], widen: number): boolean {
  for (const ts of tombs) if (ts.refs.has(ref) && t >= ts.mint && t <= ts.maxt + widen) return true;
  return false;
}

function keepRun(run: Samples, ref: number, tombs: readonly Tombstone[]): Samples {
  for (const ts of tombs) {
    if (!ts.refs.has(ref)) continue;
    run = mergeRuns([rangeOf(run, -Infinity, ts.mint - 1e-3), rangeOf(run, ts.maxt + 1e-3, Infinity)]);
  }
  return run;
}

/** Merges one complete window of a tier if it holds several blocks; returns what it did. */
export async function compactTier(
  dir: string,
  tier: TierId,
  blocks: readonly BlockEntry[],
  completeBefore: number,
): Promise<{ path: string; inputs: BlockEntry[] } | null> {
  let inputs: BlockEntry[] | undefined;
  for (const win of COMPACT_WINDOWS[tier]) {
    const groups = new Map<number, BlockEntry[]>();
    for (const b of blocks) {
      const r = b.reader;
      if (r.tier !== tier) continue;
      const w = Math.floor(r.minT / win);
      if (Math.floor(r.maxT / win) !== w || (w + 1) * win > completeBefore) continue;
      const g = groups.get(w);
      if (g) g.push(b);
      else groups.set(w, [b]);
    }
    inputs = [...groups.values()].find((g) => g.length > 1);
    if (inputs) break;
  }
  if (!inputs) return null;
  const refs = new Set<number>();
  for (const b of inputs) for (const r of b.reader.seriesRefs()) refs.add(r);
  const sorted = [...refs].sort((a, b) => a - b);
  const minT = Math.min(...inputs.map((b) => b.reader.minT));
  const maxT = Math.max(...inputs.map((b) => b.reader.maxT));
  const out = new BlockWriter(blockPath(dir, tier, minT, maxT), tier);
  try {
    let since = performance.now();
    for (const ref of sorted) {
      const floats: Samples[] = [];
      const rollups: RollupPoints[] = [];
      const hRollups: HistogramRollup[] = [];
      const ht: number[] = [];
      const hs: HistogramSample[] = [];
      for (const b of inputs) {
        for (const c of b.reader.chunks(ref, -Infinity, Infinity)) {
          let cols: Uint8Array[];
          try {
            cols = b.reader.columns(ref, c);
          } catch (err) {
            if (err instanceof CorruptChunkError) continue; // reported on read; not carried forward
            throw err;
          }
          if (c.kind === KIND_FLOAT) floats.push(keepRun(decodeFloat(cols, c), ref, b.tombstones));
          else if (c.kind === KIND_ROLLUP) {
            const res = TIER_RES[tier === 1 ? '1m' : '1h'];
            rollups.push(dropTombstoned(decodeRollup(cols, c.n), ref, b.tombstones, res));
          } else if (c.kind === KIND_HISTOGRAM_ROLLUP) {
            const p = decodeHistogramRollup(cols, c.n);
            const res = TIER_RES[tier === 1 ? '1m' : '1h'];
            const keep = p.t.map((t) => !deleted(t, ref, b.tombstones, res));
            hRollups.push({ t: p.t.filter((_, i) => keep[i]), h: p.h.filter((_, i) => keep[i]) });
          } else if (c.kind === KIND_HISTOGRAM) {
            const t = new Float64Array(c.n);
            decodeTimestamps(new ByteReader(cols[0]), t, 0);
            const h = decodeHistograms(new ByteReader(cols[1]));
            t.forEach((x, i) => {
              if (deleted(x, ref, b.tombstones, 0)) return;
              ht.push(x);
              hs.push(h[i]);
            });
          }
        }
      }
      const chunks: ChunkToWrite[] = [];
      if (floats.length) chunks.push(...floatChunks(mergeRuns(floats)));
      if (ht.length) {
        const idx = ht.map((_, i) => i).sort((a, b) => ht[a] - ht[b] || a - b);
        const t2: number[] = [];
        const h2: HistogramSample[] = [];
        for (const i of idx) {
          if (t2.length && t2[t2.length - 1] === ht[i]) continue;
          t2.push(ht[i]);
          h2.push(hs[i]);
        }
        chunks.push(...histogramChunks(t2, h2));
      }
      if (rollups.length) chunks.push(...rollupChunks(mergeRollups(rollups)));
      if (hRollups.length) chunks.push(...histogramRollupChunks(mergeHistogramRollups(hRollups)));
      out.addSeries(ref, chunks);
      if (performance.now() - since > 8) {
        await yieldNow();
        since = performance.now();
      }
    }
    out.finish();
    return { path: out.path, inputs };
  } catch (err) {
    out.abort();
    throw err;
  }
}
