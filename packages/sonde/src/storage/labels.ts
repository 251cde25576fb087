import type { Labels, Matcher } from './types.js';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Label names already checked: a store sees few distinct names, and new series check one per label. */
const goodNames = new Set<string>();

/** Whether `name` is a valid label name (`[a-zA-Z_][a-zA-Z0-9_]*`); remembers the valid ones. */
export function isLabelName(name: string): boolean {
  if (goodNames.has(name)) return true;
  if (!LABEL_NAME.test(name)) return false;
  if (goodNames.size >= 10_000) goodNames.clear();
  goodNames.add(name);
  return true;
}

/** Prometheus's stale marker: a NaN with this exact bit pattern. */
export const STALE_NAN_BITS_HI = 0x7ff00000;
export const STALE_NAN_BITS_LO = 0x00000002;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE ? 1 : 0;
const LO = LITTLE ? 0 : 1;

u32[HI] = STALE_NAN_BITS_HI;
u32[LO] = STALE_NAN_BITS_LO;
/**
 * The stale marker as a number. Compare with `isStaleNaN`, never `===`.
 * Prometheus's pattern is a signalling NaN, and some V8 paths (plain-array
 * literals among them) quieten it to 0x7ff8000000000002 on the way, so the
 * test ignores the quiet bit; writers that leave the process (remote_write,
 * storage) write the exact Prometheus pattern back with `writeStaleNaN`.
 */
export const STALE_NAN: number = f64[0];

const QUIET_BIT = 0x00080000;

export function isStaleNaN(v: number): boolean {
  if (!Number.isNaN(v)) return false;
  f64[0] = v;
  return (u32[HI] & ~QUIET_BIT) === STALE_NAN_BITS_HI && u32[LO] === STALE_NAN_BITS_LO;
}

/** Writes Prometheus's exact stale-marker bits, little-endian, at `offset`. */
export function writeStaleNaN(buf: Uint8Array, offset: number): void {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  view.setUint32(offset, STALE_NAN_BITS_LO, true);
  view.setUint32(offset + 4, STALE_NAN_BITS_HI, true);
}

/** A stable identity string for a label set (sorted names; separators that cannot appear in names). */
export function labelsKey(labels: Labels): string {
  const names = Object.keys(labels).sort();
  let key = '';
  for (const name of names) {
    const value = labels[name];
    if (value === '') continue;
    key += `${name}\u0000${value}\u0001`;
  }
  return key;
}

export function metricName(labels: Labels): string {
  return labels.__name__ ?? '';
}

/** Anchored regex as PromQL uses them (RE2 syntax mostly matches JS for common use). */
export function compileMatcherRegex(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, 's');
}

/** A predicate over a label value; an absent label matches as the empty string, as in Prometheus. */
export function matcherPredicate(m: Matcher): (value: string) => boolean {
  switch (m.type) {
    case '=':
      return (v) => v === m.value;
    case '!=':
      return (v) => v !== m.value;
    case '=~': {
      const re = compileMatcherRegex(m.value);
      return (v) => re.test(v);
    }
    case '!~': {
      const re = compileMatcherRegex(m.value);
      return (v) => !re.test(v);
    }
  }
}

export function matchesAll(labels: Labels, matchers: readonly Matcher[]): boolean {
  for (const m of matchers) {
    if (!matcherPredicate(m)(labels[m.name] ?? '')) return false;
  }
  return true;
}
