// One series as a source's cache keeps it across requests (the remote_write
// decoder's by label bytes, the text import's by series text): its labels as
// read, what checking and redaction made of them, the request that last wrote
// to it, and the store's handle. A series seen again then costs no hashing of
// labels and no lookups, only the cache hit that found the entry.
import type { Labels, SeriesRef } from '../storage/types.js';

export class SeriesEntry {
  /** The labels to store, or why they cannot be; undefined until first written. */
  out: Labels | string | undefined = undefined;
  /** The generation of the batch that last wrote to it (series are counted once per request). */
  gen = 0;
  /** The store's handle (Appender.appendRef), null until it gives one, and the storage it is for. */
  ref: SeriesRef | null = null;
  refOf: object | null = null;
  /** Its key in the cache that holds it ('' when uncached, or when the cache keys by bytes). */
  key = '';
  /** For a cache keyed by bytes (remote_write's label bytes): where its key bytes are. */
  keyBytes: Uint8Array | null = null;
  keyAt = 0;
  keyLength = 0;
  /**
   * The series that followed it last time. Sources send series in the same
   * order request after request (and targets scrape after scrape), so this is
   * tried first: a comparison instead of hashing the key and probing the cache.
   */
  next: SeriesEntry | null = null;
  /**
   * What the consumer that owns the cache made of the series (a scrape loop: the tracked
   * series after target labels and relabeling), valid while `slotGen` is that consumer's.
   */
  slot: unknown = undefined;
  slotGen = 0;

  constructor(readonly labels: Labels) {}
}
