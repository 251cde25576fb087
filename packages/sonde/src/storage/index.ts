// The store: what the rest of sonde may use of it.
export type * from './types.js';
export {
  STALE_NAN,
  isStaleNaN,
  writeStaleNaN,
  isLabelName,
  labelsKey,
  metricName,
  matchesAll,
  matcherPredicate,
} from './labels.js';
export { MemoryStorage } from './memory.js';
export { openStorage, DEFAULT_RETENTION } from './db.js';
export type { EmbeddedStorage, OpenStorageOptions, StorageFaults } from './db.js';
export type { RetentionMs } from './retention.js';
