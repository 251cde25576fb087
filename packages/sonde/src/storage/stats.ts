// The store's figures for the storage API, the dashboard and the CLI: series,
// bytes and samples per tier, oldest/newest sample, rejections, cardinality.
import type { Head } from './head.js';
import type { BlockEntry } from './querier.js';
import type { RetentionMs } from './retention.js';
import type { AppendResult, StorageStats, Tier, TierStats } from './types.js';

export function computeStats(
  blocks: readonly BlockEntry[],
  head: Head,
  retention: RetentionMs,
  logBytes: number,
  appended: number,
  rejected: AppendResult,
): StorageStats {
  const tiers: TierStats[] = (['raw', '1m', '1h'] as Tier[]).map((tier, id) => {
    const bs = blocks.filter((b) => b.reader.tier === id);
    return {
      tier,
      retentionMs: retention[tier],
      bytesOnDisk: bs.reduce((n, b) => n + b.reader.bytes, 0),
      samples: bs.reduce((n, b) => n + b.reader.samples, 0),
      oldestMs: bs.length ? Math.min(...bs.map((b) => b.reader.minT)) : null,
      newestMs: bs.length ? Math.max(...bs.map((b) => b.reader.maxT)) : null,
    };
  });
  let headSeries = 0;
  let headOldest = Number.POSITIVE_INFINITY;
  for (const s of head.byRef.values()) {
    if (!s.hasData) continue;
    headSeries++;
    const first = s.chunks.length ? s.chunks[0].minT : s.n ? s.t[0] : s.ooo ? s.ooo.t[0] : s.ht[0];
    if (first < headOldest) headOldest = first;
  }
  const raw = tiers[0];
  const bytesOnDisk = tiers.reduce((n, t) => n + t.bytesOnDisk, 0) + logBytes;
  const oldest = Math.min(raw.oldestMs ?? Number.POSITIVE_INFINITY, headOldest);
  const newest = Math.max(raw.newestMs ?? Number.NEGATIVE_INFINITY, head.maxT);
  const names = head.postings.valueCounts('__name__').sort((a, b) => b[1] - a[1]);
  const labels = head.postings.nameCardinalities().sort((a, b) => b[1] - a[1]);
  return {
    series: head.byRef.size,
    headSeries,
    samplesAppended: appended,
    bytesOnDisk,
    bytesPerSample: raw.samples ? raw.bytesOnDisk / raw.samples : 0,
    oldestMs: Number.isFinite(oldest) ? oldest : null,
    newestMs: Number.isFinite(newest) ? newest : null,
    tiers,
    rejected: { ...rejected },
    topMetrics: names.slice(0, 10).map(([name, series]) => ({ name, series })),
    topLabels: labels.slice(0, 10).map(([name, values]) => ({ name, values })),
  };
}
