// Which whole blocks retention deletes: every block of a tier whose newest
// sample is older than the tier's retention, then, while a size cap is
// exceeded, the oldest raw blocks (keeping the newest), then the oldest 1m,
// then the oldest 1h blocks: coarse history is the cheapest to keep.
import type { BlockEntry } from './querier.js';
import type { Tier } from './types.js';

export type RetentionMs = Record<Tier, number>;

const TIERS: Tier[] = ['raw', '1m', '1h'];

export function blocksToDrop(
  blocks: readonly BlockEntry[],
  retention: RetentionMs,
  now: number,
  maxBytes: number | undefined,
  otherBytes: number,
): BlockEntry[] {
  const drop = new Set<BlockEntry>();
  for (const b of blocks) {
    if (b.reader.maxT < now - retention[TIERS[b.reader.tier]]) drop.add(b);
  }
  if (maxBytes !== undefined) {
    let total = otherBytes;
    for (const b of blocks) if (!drop.has(b)) total += b.reader.bytes;
    for (let tier = 0; tier < 3 && total > maxBytes; tier++) {
      const ofTier = blocks
        .filter((b) => b.reader.tier === tier && !drop.has(b))
        .sort((a, b) => a.reader.maxT - b.reader.maxT);
      for (let i = 0; i < ofTier.length - 1 && total > maxBytes; i++) {
        drop.add(ofTier[i]);
        total -= ofTier[i].reader.bytes;
      }
    }
  }
  return [...drop];
}
