// Reading answers whose exact shape is still settling (sonde's analytics
// endpoints): pick the list out of an object, and the common fields out of
// an item, without trusting any one layout.

export type Item = Record<string, unknown>;

/** The first array found at one of `keys`, or the value itself if it is an array. */
export function listOf(data: unknown, keys: readonly string[]): Item[] {
  if (Array.isArray(data)) return data.filter((x): x is Item => !!x && typeof x === 'object');
  if (!data || typeof data !== 'object') return [];
  const o = data as Item;
  for (const k of keys) if (Array.isArray(o[k])) return listOf(o[k], []);
  for (const v of Object.values(o)) if (Array.isArray(v)) return listOf(v, []);
  return [];
}

export function str(item: Item, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = item[k];
    if (typeof v === 'string' && v) return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return undefined;
}

export function num(item: Item, keys: readonly string[]): number | undefined {
  for (const k of keys) {
    const v = item[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  }
  return undefined;
}

/** A label set found in the item (labels, metric, series as labels), if any. */
export function labelsOf(item: Item): Record<string, string> | undefined {
  for (const k of ['labels', 'metric', 'series']) {
    const v = item[k];
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, string>;
  }
  return undefined;
}

/** A time in ms from seconds, ms or an ISO string. */
export function timeOf(item: Item, keys: readonly string[]): number | undefined {
  for (const k of keys) {
    const v = item[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v < 1e11 ? v * 1000 : v;
    if (typeof v === 'string') {
      const t = Date.parse(v);
      if (Number.isFinite(t)) return t;
    }
  }
  return undefined;
}

export type Severity = 'ok' | 'info' | 'warn' | 'bad' | 'muted';

export function severityOf(text: string | undefined): Severity {
  const s = (text ?? '').toLowerCase();
  if (/crit|high|page|error|firing|severe|bad/.test(s)) return 'bad';
  if (/warn|medium|moderate|pending/.test(s)) return 'warn';
  if (/info|low|minor/.test(s)) return 'info';
  if (/ok|good|normal|healthy|inactive/.test(s)) return 'ok';
  return 'muted';
}
