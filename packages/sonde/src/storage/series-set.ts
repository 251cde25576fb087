// The head's series by label set, found through a 32-bit hash of the set and
// confirmed by comparing labels: no key string is kept per series (it was the
// largest single item of a series' head memory). Label sets compare as the
// store keys them: names in any order, empty values as absent.
import type { Labels } from './types.js';

/** What the set holds: anything with its (clean: no empty values) labels. */
interface Keyed {
  readonly labels: Labels;
}

function mix(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** A label set's names in sorted order; a set that is already sorted (most are) is not sorted again. */
export function sortedNames(labels: Labels): string[] {
  const names = Object.keys(labels);
  for (let i = 1; i < names.length; i++) {
    if (names[i - 1] > names[i]) return names.sort();
  }
  return names;
}

/** FNV-1a over the sorted, non-empty name/value pairs, with separators that cannot occur in names. */
export function labelsHash(labels: Labels, names: readonly string[] = sortedNames(labels)): number {
  let h = 0x811c9dc5;
  for (const name of names) {
    const value = labels[name];
    if (value === '') continue;
    h = Math.imul(mix(h, name) ^ 0xff, 0x01000193);
    h = Math.imul(mix(h, String(value)) ^ 0xfe, 0x01000193);
  }
  return h >>> 0;
}

/** Whether `labels` (empty values ignored) is exactly the clean set `have`. */
export function sameLabels(have: Labels, labels: Labels): boolean {
  let n = 0;
  for (const name in labels) {
    const value = labels[name];
    if (value === '') continue;
    if (!Object.hasOwn(have, name) || have[name] !== value) return false;
    n++;
  }
  for (const _ in have) n--;
  return n === 0;
}

/**
 * The map key for a hash: its low 30 bits, a small integer that V8 keeps unboxed (a full
 * 32-bit hash would be a heap number above 2^30, allocated per lookup). Two more sets in
 * a billion share a key; they are told apart by their labels as any collision is.
 */
function keyOf(hash: number): number {
  return hash & 0x3fffffff;
}

export class SeriesSet<T extends Keyed> {
  private readonly byHash = new Map<number, T | T[]>();

  get(labels: Labels, hash = labelsHash(labels)): T | undefined {
    const e = this.byHash.get(keyOf(hash));
    if (e === undefined) return undefined;
    if (!Array.isArray(e)) return sameLabels(e.labels, labels) ? e : undefined;
    for (const s of e) if (sameLabels(s.labels, labels)) return s;
    return undefined;
  }

  /** Adds a series whose label set is not in the set. */
  add(s: T, hash = labelsHash(s.labels)): void {
    const key = keyOf(hash);
    const e = this.byHash.get(key);
    if (e === undefined) this.byHash.set(key, s);
    else if (Array.isArray(e)) e.push(s);
    else this.byHash.set(key, [e, s]);
  }

  delete(s: T): void {
    const hash = keyOf(labelsHash(s.labels));
    const e = this.byHash.get(hash);
    if (e === s) this.byHash.delete(hash);
    else if (Array.isArray(e)) {
      const rest = e.filter((x) => x !== s);
      this.byHash.set(hash, rest.length === 1 ? rest[0] : rest);
    }
  }
}
