// Writes samples back as Prometheus text or OpenMetrics: the inverse of
// text-parser.ts (and what its round-trip tests check it against).
import type { Labels, MetricMetadata } from '../storage/types.js';
import type { TextFormat } from './text-parser.js';

export function formatValue(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Number.isNaN(v)) return 'NaN';
  return Object.is(v, -0) ? '-0' : String(v);
}

export function escapeLabelValue(v: string): string {
  return v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

function escapeHelp(v: string, format: TextFormat): string {
  return v.replace(format === 'openmetrics' ? /[\\"\n]/g : /[\\\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** `name{a="1",b="2"}`, labels in the order given, `__name__` first. */
export function formatSeries(labels: Labels): string {
  let out = labels.__name__ ?? '';
  let sep = '{';
  for (const k in labels) {
    if (k === '__name__') continue;
    out += `${sep}${k}="${escapeLabelValue(labels[k])}"`;
    sep = ',';
  }
  return sep === ',' ? `${out}}` : out;
}

/** Milliseconds as OpenMetrics seconds, exactly (no float rounding). */
export function formatSeconds(ms: number): string {
  const neg = ms < 0;
  const a = Math.abs(ms);
  const whole = Math.floor(a / 1000);
  const frac = a - whole * 1000;
  const s = frac ? `${whole}.${String(frac).padStart(3, '0').replace(/0+$/, '')}` : String(whole);
  return neg ? `-${s}` : s;
}

export function formatSample(labels: Labels, v: number, t: number | undefined, format: TextFormat): string {
  const ts = t === undefined || Number.isNaN(t) ? '' : ` ${format === 'openmetrics' ? formatSeconds(t) : t}`;
  return `${formatSeries(labels)} ${formatValue(v)}${ts}`;
}

export function formatMetadata(name: string, meta: MetricMetadata, format: TextFormat): string {
  let out = '';
  if (meta.help) out += `# HELP ${name} ${escapeHelp(meta.help, format)}\n`;
  const type = format === 'prometheus' && meta.type === 'unknown' ? 'untyped' : meta.type;
  out += `# TYPE ${name} ${type}\n`;
  if (meta.unit && format === 'openmetrics') out += `# UNIT ${name} ${meta.unit}\n`;
  return out;
}
