// Families as Prometheus text exposition (0.0.4) or JSON, for `sonde collect`
// and anything else that prints a cycle.
import type { MetricFamily } from './types.js';

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

/** Prometheus text format; families sorted by name as node_exporter prints them. */
export function formatPrometheusText(families: readonly MetricFamily[]): string {
  const byName = new Map<string, MetricFamily[]>();
  for (const f of families) {
    const list = byName.get(f.name);
    if (list) list.push(f);
    else byName.set(f.name, [f]);
  }
  const parts: string[] = [];
  for (const name of [...byName.keys()].sort()) {
    const list = byName.get(name)!;
    const f = list[0];
    const type = f.type === 'unknown' ? 'untyped' : f.type;
    parts.push(`# HELP ${name} ${escapeHelp(f.help)}\n# TYPE ${name} ${type}\n`);
    for (const g of list) {
      for (const s of g.samples) {
        const keys = Object.keys(s.labels).sort();
        let labels = '';
        if (keys.length > 0) labels = `{${keys.map((k) => `${k}="${escapeLabel(s.labels[k])}"`).join(',')}}`;
        parts.push(`${name}${labels} ${formatValue(s.value)}\n`);
      }
    }
  }
  return parts.join('');
}

/** JSON: { timestamp_ms, families: [{ name, help, type, samples: [{ labels, value }] }] }; NaN/Inf as strings. */
export function formatJson(families: readonly MetricFamily[], tMs: number): string {
  return JSON.stringify(
    {
      timestamp_ms: tMs,
      families: families.map((f) => ({
        name: f.name,
        help: f.help,
        type: f.type,
        samples: f.samples.map((s) => ({
          labels: s.labels,
          value: Number.isFinite(s.value) ? s.value : formatValue(s.value),
        })),
      })),
    },
    null,
    2,
  );
}
