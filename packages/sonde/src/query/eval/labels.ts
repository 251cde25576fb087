// Label-set helpers for evaluation: identity keys, signatures for vector
// matching and grouping, and the Prometheus string form used in errors.
import { labelsKey } from '../../storage/labels.js';
import type { Labels } from '../../storage/types.js';
import { QueryError } from '../types.js';
import type { StepSeries } from './values.js';

export function keyOf(s: { labels: Labels; key?: string }): string {
  if (s.key === undefined) s.key = labelsKey(s.labels);
  return s.key;
}

export function dropName(labels: Labels): Labels {
  if (labels.__name__ === undefined) return labels;
  const out: Record<string, string> = {};
  for (const k in labels) if (k !== '__name__') out[k] = labels[k];
  return out;
}

/** Labels with only `names` (on = true) or without `names` and `__name__` (on = false). */
export function restrictLabels(labels: Labels, names: readonly string[], on: boolean): Labels {
  const out: Record<string, string> = {};
  if (on) {
    for (const n of names) {
      const v = labels[n];
      if (v !== undefined && v !== '') out[n] = v;
    }
  } else {
    for (const k in labels) {
      if (k === '__name__' || names.includes(k)) continue;
      out[k] = labels[k];
    }
  }
  return out;
}

/** A function computing the matching signature of a label set. */
export function signatureFn(on: boolean, names: readonly string[]): (labels: Labels) => string {
  const sorted = [...names].sort();
  if (on) {
    return (labels) => {
      let sig = '';
      for (const n of sorted) {
        const v = labels[n];
        if (v !== undefined && v !== '') sig += `${n}\u0000${v}\u0001`;
      }
      return sig;
    };
  }
  const skip = new Set([...names, '__name__']);
  return (labels) => {
    const keys = Object.keys(labels).sort();
    let sig = '';
    for (const k of keys) {
      if (skip.has(k)) continue;
      const v = labels[k];
      if (v !== '') sig += `${k}\u0000${v}\u0001`;
    }
    return sig;
  };
}

/** Prometheus's Labels.String(): {a="b", c="d"}. */
export function labelsString(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  return `{${keys.map((k) => `${k}=${JSON.stringify(labels[k])}`).join(', ')}}`;
}

/**
 * Gathers output series by label set. Series that land on the same label set
 * are merged step by step; two samples at the same step are an error, as in
 * Prometheus ("vector cannot contain metrics with the same labelset").
 */
export class SeriesMerger {
  private readonly map = new Map<string, StepSeries>();
  constructor(
    private readonly steps: number,
    private readonly message = 'vector cannot contain metrics with the same labelset',
  ) {}

  add(labels: Labels, v: Float64Array, has: Uint8Array, key?: string, h?: StepSeries['h']): void {
    const k = key ?? labelsKey(labels);
    const prev = this.map.get(k);
    if (!prev) {
      this.map.set(k, h ? { labels, v, has, key: k, h } : { labels, v, has, key: k });
      return;
    }
    for (let i = 0; i < this.steps; i++) {
      if (!has[i]) continue;
      if (prev.has[i]) throw new QueryError(this.message, 'execution');
      prev.has[i] = 1;
      prev.v[i] = v[i];
      if (h?.[i]) {
        prev.h ??= new Array(this.steps);
        prev.h[i] = h[i];
      }
    }
  }

  /** Sets one sample of the series with this label set, creating it if needed. */
  set(labels: Labels, key: string, i: number, value: number): void {
    let s = this.map.get(key);
    if (!s) {
      s = { labels, v: new Float64Array(this.steps), has: new Uint8Array(this.steps), key };
      this.map.set(key, s);
    } else if (s.has[i]) throw new QueryError(this.message, 'execution');
    s.has[i] = 1;
    s.v[i] = value;
  }

  /** Adds 1 to the sample of the series with this label set at step i (count_values). */
  increment(labels: Labels, key: string, i: number): void {
    const s = this.map.get(key);
    if (s?.has[i]) s.v[i] += 1;
    else this.set(labels, key, i, 1);
  }

  result(): StepSeries[] {
    return [...this.map.values()];
  }
}

/** Whether a series has any sample. */
export function anyPresent(has: Uint8Array): boolean {
  for (let i = 0; i < has.length; i++) if (has[i]) return true;
  return false;
}
