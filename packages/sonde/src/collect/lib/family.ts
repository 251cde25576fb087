// Small helpers to build metric families, and label objects interned so one
// series keeps one label object from cycle to cycle.
import type { Labels, MetricType } from '../../storage/types.js';
import type { CollectedSample, MetricFamily } from '../types.js';

export const NO_LABELS: Labels = Object.freeze({});

export function family(
  name: string,
  help: string,
  type: MetricType,
  samples: CollectedSample[] = [],
): MetricFamily & { samples: CollectedSample[] } {
  return { name, help, type, samples };
}

/** A family of one unlabelled sample. */
export function single(name: string, help: string, type: MetricType, value: number): MetricFamily {
  return { name, help, type, samples: [{ labels: NO_LABELS, value }] };
}

/**
 * Interned label sets: `get(k)` returns the same frozen object for the same
 * key every time, so collectors allocate label objects once per series.
 */
export class LabelCache {
  private readonly map = new Map<string, Labels>();

  /** Labels {name: value}. */
  one(name: string, value: string): Labels {
    let l = this.map.get(value);
    if (l === undefined) {
      l = Object.freeze({ [name]: value });
      this.map.set(value, l);
    }
    return l;
  }

  /** Labels built by `make` the first time `key` is seen. */
  get(key: string, make: () => Record<string, string>): Labels {
    let l = this.map.get(key);
    if (l === undefined) {
      l = Object.freeze(make());
      this.map.set(key, l);
    }
    return l;
  }

  /** Drops every interned set (use when the set of devices changes a lot). */
  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}

/** Families keyed by name in first-seen order, built across several devices. */
export class FamilySet {
  private readonly byName = new Map<string, MetricFamily & { samples: CollectedSample[] }>();

  add(name: string, help: string, type: MetricType, labels: Labels, value: number): void {
    let f = this.byName.get(name);
    if (f === undefined) {
      f = family(name, help, type);
      this.byName.set(name, f);
    }
    f.samples.push({ labels, value });
  }

  toArray(): MetricFamily[] {
    return [...this.byName.values()];
  }
}
