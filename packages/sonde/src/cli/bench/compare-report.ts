// Turns period comparisons into what a terminal or a pull request shows.
import type { Comparison } from '../../analytics/index.js';

export interface ComparedMetric {
  readonly name: string;
  readonly unit: 's' | 'B' | '';
  readonly comparison: Comparison;
}

function fmt(v: number, unit: ComparedMetric['unit']): string {
  if (!Number.isFinite(v)) return String(v);
  if (unit === 'B') {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (Math.abs(v) >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return `${v.toFixed(1)} ${units[i]}`;
  }
  if (unit === 's') return v < 1 ? `${(v * 1000).toFixed(1)} ms` : `${v.toFixed(3)} s`;
  return Math.abs(v) >= 1000 || Math.abs(v) < 0.01 ? v.toExponential(3) : v.toFixed(3);
}

function pct(x: number): string {
  return Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%` : 'n/a';
}

const ICON: Record<Comparison['verdict'], string> = {
  regression: '🔴 regression',
  improvement: '🟢 improvement',
  'no significant change': '⚪ no significant change',
};

export function textReport(metrics: readonly ComparedMetric[]): string {
  const rows = [['metric', 'baseline (median)', 'current (median)', 'change', 'p', 'verdict']];
  for (const m of metrics) {
    const c = m.comparison;
    rows.push([
      m.name,
      fmt(c.medianChange.baseline, m.unit),
      fmt(c.medianChange.current, m.unit),
      pct(c.medianChange.relative),
      c.p.toPrecision(2),
      c.verdict,
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function markdownReport(title: string, metrics: readonly ComparedMetric[]): string {
  const lines = [
    `### ${title}`,
    '',
    '| metric | baseline (median) | current (median) | change | p | verdict |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const m of metrics) {
    const c = m.comparison;
    lines.push(
      `| ${m.name} | ${fmt(c.medianChange.baseline, m.unit)} | ${fmt(c.medianChange.current, m.unit)} | ${pct(c.medianChange.relative)} | ${c.p.toPrecision(2)} | ${ICON[c.verdict]} |`,
    );
  }
  lines.push('', ...metrics.map((m) => `- **${m.name}**: ${m.comparison.explanation}`));
  return `${lines.join('\n')}\n`;
}
