// Metric and label names the way Prometheus's OTLP translation builds them
// (otlptranslator, with unit and type suffixes): "http.server.duration" in
// seconds becomes http_server_duration_seconds, a monotonic sum gains
// _total, a gauge of unit "1" gains _ratio, "By/s" becomes bytes_per_second.

const UNITS: Record<string, string> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '1': '',
  '%': 'percent',
};

const PER_UNITS: Record<string, string> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

export type OtlpKind = 'counter' | 'gauge' | 'histogram' | 'summary';

function tokens(s: string): string[] {
  return s.split(/[^a-zA-Z0-9]+/).filter(Boolean);
}

function unitTokens(unit: string): { main: string[]; per: string[] } {
  const clean = unit.replace(/\{[^}]*\}/g, '').trim();
  if (!clean) return { main: [], per: [] };
  const slash = clean.indexOf('/');
  const main = slash < 0 ? clean : clean.slice(0, slash);
  const per = slash < 0 ? '' : clean.slice(slash + 1);
  return {
    main: tokens(UNITS[main.trim()] ?? main),
    per: per ? ['per', ...tokens(PER_UNITS[per.trim()] ?? per)] : [],
  };
}

/** The Prometheus metric name for an OTLP metric of this kind and unit. */
export function metricName(name: string, unit: string, kind: OtlpKind): string {
  let parts = tokens(name);
  const { main, per } = unitTokens(unit);
  const has = (t: string) => parts.includes(t);
  if (main.length && !main.every(has)) parts.push(...main);
  if (per.length && !per.slice(1).every(has)) parts.push(...per);
  if (kind === 'counter') parts = [...parts.filter((t) => t !== 'total'), 'total'];
  if (kind === 'gauge' && unit === '1') parts = [...parts.filter((t) => t !== 'ratio'), 'ratio'];
  const out = parts.join('_');
  return /^[0-9]/.test(out) ? `_${out}` : out;
}

/** An attribute key as a Prometheus label name. */
export function labelName(key: string): string {
  if (key === '') return '';
  let out = key.replace(/[^a-zA-Z0-9_]/g, '_');
  if (/^[0-9]/.test(out)) out = `key_${out}`;
  else if (out.startsWith('_') && !out.startsWith('__')) out = `key${out}`;
  return out;
}
