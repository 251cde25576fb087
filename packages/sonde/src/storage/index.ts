// The store: what the rest of sonde may use of it.
export type * from './types.js';
export {
  STALE_NAN,
  isStaleNaN,
  writeStaleNaN,
  labelsKey,
  metricName,
  matchesAll,
  matcherPredicate,
} from './labels.js';
export { MemoryStorage } from './memory.js';
