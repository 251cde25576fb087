export { rankChanges, type Change, type ChangeOptions, type SeriesColumns } from './changes.js';
export { ksTwoSample, type KsResult } from './ks.js';
