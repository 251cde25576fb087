// Unit formatting for axes, legends, tables and text alternatives. One place
// decides how bytes, seconds, percentages and rates read everywhere.

export type Unit = 'bytes' | 'bytes/s' | 'seconds' | 'percent' | 'ratio' | '/s' | 'count' | 'none';

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
const SI = [
  { f: 1e12, s: 'T' },
  { f: 1e9, s: 'G' },
  { f: 1e6, s: 'M' },
  { f: 1e3, s: 'k' },
];

/** Rounds to about three significant digits, dropping trailing zeros. */
export function sig(v: number, digits = 3): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 10 ** digits) return Math.round(v).toString();
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(a)));
  return Number(v.toFixed(Math.min(decimals, 6))).toString();
}

export function formatBytes(v: number): string {
  const a = Math.abs(v);
  let i = 0;
  let x = a;
  while (x >= 1024 && i < BYTE_UNITS.length - 1) {
    x /= 1024;
    i++;
  }
  return `${v < 0 ? '-' : ''}${sig(x)} ${BYTE_UNITS[i]}`;
}

export function formatSeconds(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0 s';
  if (a < 1e-6) return `${sig(v * 1e9)} ns`;
  if (a < 1e-3) return `${sig(v * 1e6)} µs`;
  if (a < 1) return `${sig(v * 1e3)} ms`;
  if (a < 60) return `${sig(v)} s`;
  if (a < 3600) return `${sig(v / 60)} min`;
  if (a < 86400) return `${sig(v / 3600)} h`;
  return `${sig(v / 86400)} d`;
}

export function formatCount(v: number): string {
  const a = Math.abs(v);
  for (const { f, s } of SI) if (a >= f) return `${sig(v / f)}${s}`;
  return sig(v);
}

/** Formats one value in a unit; NaN and ±Inf read as a dash or the symbol. */
export function formatValue(v: number | null | undefined, unit: Unit): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  switch (unit) {
    case 'bytes':
      return formatBytes(v);
    case 'bytes/s':
      return `${formatBytes(v)}/s`;
    case 'seconds':
      return formatSeconds(v);
    case 'percent':
      return `${sig(v)}%`;
    case 'ratio':
      return `${sig(v * 100)}%`;
    case '/s':
      return `${formatCount(v)}/s`;
    case 'count':
      return formatCount(v);
    default:
      return sig(v, 4);
  }
}

/** Guesses a unit from a PromQL expression, the way a person reading it would. */
export function guessUnit(expr: string): Unit {
  const e = expr.replace(/\s+/g, '');
  const rate = /\b(rate|irate|increase|deriv)\(/.test(e);
  if (/_bytes(_total)?\b/.test(e)) return rate && !e.includes('increase(') ? 'bytes/s' : 'bytes';
  if (/histogram_quantile\(/.test(e) && /_seconds/.test(e)) return 'seconds';
  if (/_seconds_total\b/.test(e) && rate) return 'none'; // seconds per second: cores busy
  if (/_seconds(_sum|_count)?\b/.test(e) && !rate) return 'seconds';
  if (/_ratio\b/.test(e)) return 'ratio';
  if (/_total\b/.test(e) && rate && !e.includes('increase(')) return '/s';
  return 'none';
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `HH:MM:SS` in local time, for tooltips and tables. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `YYYY-MM-DD HH:MM:SS` in local time. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${formatTime(ms)}`;
}

/** A duration in ms as people say it: "3 d 4 h", "12 min", "45 s". */
export function formatDuration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) {
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  return h ? `${d} d ${h} h` : `${d} d`;
}

/** "5 min ago", "in 3 d" relative to now. */
export function formatRelative(ms: number, now = Date.now()): string {
  const diff = ms - now;
  if (Math.abs(diff) < 1500) return 'now';
  return diff < 0 ? `${formatDuration(diff)} ago` : `in ${formatDuration(diff)}`;
}

/** Parses Prometheus-style durations: 5m, 1h30m, 7d, 250ms. Returns ms or null. */
export function parseDuration(text: string): number | null {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g;
  const mult: Record<string, number> = {
    ms: 1,
    s: 1e3,
    m: 6e4,
    h: 3.6e6,
    d: 8.64e7,
    w: 6.048e8,
    y: 3.1536e10,
  };
  let total = 0;
  let consumed = 0;
  for (const m of text.trim().matchAll(re)) {
    total += Number(m[1]) * mult[m[2]];
    consumed += m[0].length;
  }
  return consumed === text.trim().length && consumed > 0 ? total : null;
}

/** A label set as PromQL writes it: name{a="b", c="d"}. */
export function seriesName(labels: Record<string, string>): string {
  const { __name__: name = '', ...rest } = labels;
  const parts = Object.keys(rest)
    .filter((k) => k !== '__q') // the dashboard's own query-index label
    .sort()
    .map((k) => `${k}="${rest[k]}"`);
  return parts.length ? `${name}{${parts.join(', ')}}` : name || '{}';
}
