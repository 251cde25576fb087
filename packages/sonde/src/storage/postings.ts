// The inverted index: label name → value → sorted series refs, with names
// and values interned. Matchers resolve by walking the values of one label
// name (never every series): equality is one lookup, a regex is tested once
// per distinct value, and matchers that also match the empty string (absent
// label) subtract the values they reject, as Prometheus does.
import { matcherPredicate } from './labels.js';
import type { Labels, Matcher } from './types.js';

function intersect(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push(a[i]);
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return out;
}

function subtract(a: readonly number[], drop: Set<number>): number[] {
  return drop.size === 0 ? a.slice() : a.filter((x) => !drop.has(x));
}

function unionSorted(lists: readonly (readonly number[])[]): number[] {
  if (lists.length === 0) return [];
  if (lists.length === 1) return lists[0].slice();
  const all: number[] = [];
  for (const l of lists) for (const x of l) all.push(x);
  all.sort((a, b) => a - b);
  let w = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[w++] = all[i];
  all.length = w;
  return all;
}

/** A regex that is only literal alternatives, e.g. `GET|POST`: looked up instead of scanned. */
function literalAlternatives(pattern: string): string[] | null {
  if (!/^[\w\-.:/ |]*$/.test(pattern) || pattern.includes('.')) return null;
  return pattern.split('|');
}

/**
 * The sorted refs of a value more than one series holds, with the value's one copy: a new
 * series with this value takes that string (no lookup of another series' labels).
 */
interface SharedList {
  readonly value: string;
  readonly refs: number[];
}

/** A posting list: one ref held as a number (most label values of a series-unique label have one), or shared. */
type List = number | SharedList;

/** A label name's values, with the name's one copy (the string every series holding the name keeps). */
interface ValueMap extends Map<string, List> {
  name: string;
}

function asArray(l: List): readonly number[] {
  return typeof l === 'number' ? [l] : l.refs;
}

export class Postings {
  private readonly byName = new Map<string, ValueMap>();
  private all: number[] = [];
  /** Refs removed but not yet swept from the lists. */
  private removed = new Set<number>();

  /** `labelsOf` gives a live series' labels: a label value is interned as the string its series hold. */
  constructor(private readonly labelsOf: (ref: number) => Labels | undefined) {}

  /**
   * Indexes a new series and returns its labels as the series should hold them: names in
   * `names` order, empty values left out, each name and value the copy the index already
   * holds (one string per distinct value however many series carry it). Refs come in
   * increasing order (they are allocated so) except on replay.
   */
  addSeries(ref: number, labels: Labels, names: readonly string[]): Record<string, string> {
    const clean: Record<string, string> = {};
    for (const raw of names) {
      const value = labels[raw];
      if (value === '') continue;
      let values = this.byName.get(raw);
      if (values === undefined) {
        values = new Map() as ValueMap;
        values.name = raw;
        this.byName.set(raw, values);
      }
      const name = values.name;
      const list = values.get(value);
      if (list === undefined) {
        values.set(value, ref);
        clean[name] = value;
        continue;
      }
      if (typeof list === 'number') {
        const held = this.labelsOf(list)?.[name] ?? value;
        clean[name] = held;
        if (list !== ref) values.set(value, { value: held, refs: list < ref ? [list, ref] : [ref, list] });
        continue;
      }
      clean[name] = list.value;
      const refs = list.refs;
      if (refs.length === 0 || refs[refs.length - 1] < ref) refs.push(ref);
      else insertSorted(refs, ref);
    }
    if (this.all.length === 0 || this.all[this.all.length - 1] < ref) this.all.push(ref);
    else insertSorted(this.all, ref);
    return clean;
  }

  remove(ref: number, labels: Labels): void {
    this.removed.add(ref);
    for (const name in labels) {
      const values = this.byName.get(name);
      const list = values?.get(labels[name]);
      if (!values || list === undefined) continue;
      if (typeof list === 'number') {
        if (list === ref) values.delete(labels[name]);
      } else {
        const i = list.refs.indexOf(ref);
        if (i >= 0) list.refs.splice(i, 1);
        if (list.refs.length === 0) values.delete(labels[name]);
      }
      if (values.size === 0) this.byName.delete(name);
    }
    if (this.removed.size > 1024 || this.removed.size * 8 > this.all.length) this.sweep();
  }

  private sweep(): void {
    this.all = subtract(this.all, this.removed);
    this.removed = new Set();
  }

  get size(): number {
    return this.all.length - this.removed.size;
  }

  /** Sorted refs of the series matching every matcher. */
  select(matchers: readonly Matcher[]): number[] {
    if (this.removed.size) this.sweep();
    const include: (readonly number[])[] = [];
    const exclude = new Set<number>();
    for (const m of matchers) {
      const values = this.byName.get(m.name);
      const pred = matcherPredicate(m);
      if (!pred('')) {
        if (!values) return [];
        const lists: (readonly number[])[] = [];
        if (m.type === '=') {
          const l = values.get(m.value);
          if (l !== undefined) lists.push(asArray(l));
        } else {
          const alts = m.type === '=~' ? literalAlternatives(m.value) : null;
          if (alts) {
            for (const a of alts) {
              const l = values.get(a);
              if (l !== undefined) lists.push(asArray(l));
            }
          } else for (const [v, l] of values) if (pred(v)) lists.push(asArray(l));
        }
        const u = unionSorted(lists);
        if (u.length === 0) return [];
        include.push(u);
      } else if (values) {
        for (const [v, l] of values) {
          if (pred(v)) continue;
          if (typeof l === 'number') exclude.add(l);
          else for (const r of l.refs) exclude.add(r);
        }
      }
    }
    include.sort((a, b) => a.length - b.length);
    let out: readonly number[] = include.length ? include[0] : this.all;
    for (let i = 1; i < include.length && out.length; i++) out = intersect(out, include[i]);
    return subtract(out, exclude);
  }

  labelNames(): string[] {
    return [...this.byName.keys()].sort();
  }

  labelValues(name: string): string[] {
    return [...(this.byName.get(name)?.keys() ?? [])].sort();
  }

  /** Series count per value of a label name (for cardinality stats). */
  valueCounts(name: string): [string, number][] {
    return [...(this.byName.get(name) ?? new Map<string, List>())].map(([v, l]) => [
      v,
      typeof l === 'number' ? 1 : l.refs.length,
    ]);
  }

  /** Distinct value count per label name. */
  nameCardinalities(): [string, number][] {
    return [...this.byName].map(([n, values]) => [n, values.size]);
  }
}

function insertSorted(list: number[], ref: number): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < ref) lo = mid + 1;
    else hi = mid;
  }
  if (list[lo] !== ref) list.splice(lo, 0, ref);
}
