// Query-string parameters of the analytics API: times (Unix seconds or
// RFC 3339), durations (Prometheus style: 90s, 5m, 1h30m, 7d), numbers and
// booleans, each failing with a message that names the parameter.

export class ParamError extends Error {}

export type Query = Readonly<Record<string, string | string[] | undefined>>;

export function str(q: Query, name: string): string | undefined {
  const v = q[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

export function parseTime(text: string, name: string): number {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const ms = Date.parse(t);
  if (Number.isNaN(ms))
    throw new ParamError(`${name}: "${text}" is neither Unix seconds nor an RFC 3339 time`);
  return ms;
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

export function parseDuration(text: string, name: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const re = /(\d+)(ms|s|m|h|d|w|y)/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    end = re.lastIndex;
  }
  if (end !== t.length || t.length === 0)
    throw new ParamError(`${name}: "${text}" is not a duration such as 30s, 5m, 1h or 7d`);
  return total;
}

export function num(q: Query, name: string, fallback: number): number {
  const v = str(q, name);
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new ParamError(`${name}: "${v}" is not a number`);
  return n;
}

export function bool(q: Query, name: string, fallback: boolean): boolean {
  const v = str(q, name);
  if (v === undefined || v === '') return fallback;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new ParamError(`${name}: "${v}" is not true or false`);
}

/** The analysis window: `from`/`to`, or `to` (default now) minus `window` (default 1h). */
export function window(q: Query, nowMs = Date.now()): { from: number; to: number } {
  const toText = str(q, 'to');
  const to = toText ? parseTime(toText, 'to') : nowMs;
  const fromText = str(q, 'from');
  const w = str(q, 'window');
  const from = fromText ? parseTime(fromText, 'from') : to - (w ? parseDuration(w, 'window') : 3_600_000);
  if (!(from < to))
    throw new ParamError(
      `from (${new Date(from).toISOString()}) must be before to (${new Date(to).toISOString()})`,
    );
  return { from, to };
}
