// Writes collected families into a storage Appender: one sample per series,
// labels with __name__, the same label object for the same series each cycle.
import type { Appender, Labels } from '../storage/types.js';
import type { MetricFamily } from './types.js';

const NO_EXTRA = Object.freeze({});
/** extraLabels object → sample label object → family name → merged labels. */
const merged = new WeakMap<object, WeakMap<Labels, Map<string, Labels>>>();

function mergedLabels(extra: Labels, sample: Labels, name: string): Labels {
  let byExtra = merged.get(extra);
  if (!byExtra) merged.set(extra, (byExtra = new WeakMap()));
  let byName = byExtra.get(sample);
  if (!byName) byExtra.set(sample, (byName = new Map()));
  let l = byName.get(name);
  if (!l) {
    l = Object.freeze({ ...extra, ...sample, __name__: name });
    byName.set(name, l);
  }
  return l;
}

/**
 * Appends every sample of `families` at time `tMs`. `extraLabels` (e.g.
 * {instance, job}) are added to every series; a sample's own labels win over
 * them. Returns the number of samples appended. Does not commit.
 */
export function appendFamilies(
  appender: Appender,
  families: readonly MetricFamily[],
  tMs: number,
  extraLabels?: Labels,
): number {
  const extra = extraLabels ?? NO_EXTRA;
  let n = 0;
  for (const f of families) {
    for (const s of f.samples) {
      appender.append(mergedLabels(extra, s.labels, f.name), tMs, s.value);
      n++;
    }
  }
  return n;
}
