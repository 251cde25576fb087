// Deletions in immutable blocks: per block, a sidecar file `<block>.tomb`
// listing (series refs, time range) that reads and compactions leave out.
// Replaced whole (temporary name, then rename) on every change.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { BlockEntry, Tombstone } from './querier.js';

export function readTombstones(path: string, log: Logger): Tombstone[] {
  const file = `${path}.tomb`;
  if (!existsSync(file)) return [];
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as {
      refs: number[];
      mint: number | null;
      maxt: number | null;
    }[];
    return raw.map((t) => ({
      refs: new Set(t.refs),
      mint: t.mint ?? Number.NEGATIVE_INFINITY,
      maxt: t.maxt ?? Number.POSITIVE_INFINITY,
    }));
  } catch (err) {
    log.error({ err, file }, 'tombstone file unreadable; its deletions are not applied');
    return [];
  }
}

export function writeTombstones(entry: BlockEntry): void {
  const path = `${entry.reader.path}.tomb`;
  const body = JSON.stringify(
    entry.tombstones.map((t) => ({
      refs: [...t.refs],
      mint: Number.isFinite(t.mint) ? t.mint : null,
      maxt: Number.isFinite(t.maxt) ? t.maxt : null,
    })),
  );
  writeFileSync(`${path}.tmp`, body, { flush: true });
  renameSync(`${path}.tmp`, path);
}
