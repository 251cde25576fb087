// A report a person can send around: HTML (self-contained, charts inline as
// SVG), Markdown, JSON, or CSV of the charted series.
import type { ReportData } from '../../analytics/report.js';
import type { ChartData } from './charts.js';
import { formatUnit, svgLineChart } from './svg-chart.js';

export interface Report {
  readonly title: string;
  readonly server: string;
  readonly generatedAt: number;
  readonly analysis: ReportData;
  readonly charts: readonly ChartData[];
}

const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
const pct = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(1)}%`;
const secs = (x: number | null) => (x === null ? '—' : formatUnit(x, 'seconds'));

function esc(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function rows(report: Report) {
  const a = report.analysis;
  return {
    health: (a.health?.parts ?? []).map((p) => [
      p.name,
      p.value === null ? 'no data' : pct(p.value),
      p.points.toFixed(1),
      p.evidence,
    ]),
    resources: (a.bottlenecks?.resources ?? []).map((r) => [
      r.resource,
      pct(r.utilization),
      pct(r.pressure),
      r.evidence.join('; '),
    ]),
    routes: (a.routes ?? []).map((r) => [
      `${r.method} ${r.route}`,
      r.throughput.toFixed(2),
      secs(r.p50),
      secs(r.p95),
      secs(r.p99),
      pct(r.errorRate),
      pct(r.cacheHitRate),
      r.severity,
    ]),
    recommendations: (a.recommendations ?? []).map((r) => [r.priority, r.text]),
  };
}

const HEADS = {
  health: ['part', 'value', 'points', 'evidence'],
  resources: ['resource', 'utilization', 'pressure', 'evidence'],
  routes: ['route', 'req/s', 'P50', 'P95', 'P99', 'errors', 'cache hits', 'severity'],
};

function htmlTable(head: string[], body: string[][]): string {
  if (body.length === 0) return '<p class="empty">Nothing to show in this window.</p>';
  return `<table><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${body
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const CSS = `:root{color-scheme:light;--fg:#1b1f24;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--card:#f6f8fa}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1100px;padding:28px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:6px}
.meta{color:var(--muted);margin:0}.grade{display:flex;gap:18px;align-items:center;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 20px;margin-top:18px}
.grade b{font-size:44px;line-height:1}.grade span{font-size:28px;font-weight:600}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}th{color:var(--muted);font-weight:600}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:16px}.chart{margin:0;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px}
figcaption{font-weight:600;margin-bottom:6px}svg{width:100%;height:auto;font-size:11px;fill:var(--muted)}svg .grid{stroke:var(--line)}
.legend{font-size:12px;color:var(--muted)}.key{margin-right:12px}.key i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px}
.empty{color:var(--muted)}ol li{margin-bottom:8px}.p-critical{color:#cf222e;font-weight:600}.p-warning{color:#9a6700;font-weight:600}
@media print{.chart{break-inside:avoid}}`;

export function renderHtml(report: Report): string {
  const a = report.analysis;
  const r = rows(report);
  const score = a.health?.score;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(report.title)}</title><style>${CSS}</style></head>
<body>
<h1>${esc(report.title)}</h1>
<p class="meta">${iso(a.from)} → ${iso(a.to)} · from ${esc(report.server)} · generated ${iso(report.generatedAt)}</p>
<div class="grade" role="group" aria-label="health">
<b>${score === null || score === undefined ? '—' : Math.round(Math.max(0, score))}</b><span>${esc(a.health?.grade ?? 'no grade')}</span>
<p class="meta">${esc(a.bottlenecks?.summary ?? '')}</p></div>
<h2>Recommendations</h2>
${r.recommendations.length ? `<ol>${r.recommendations.map(([p, t]) => `<li><span class="p-${esc(p)}">${esc(p)}</span> — ${esc(t)}</li>`).join('')}</ol>` : '<p class="empty">No findings in this window.</p>'}
<h2>Host and app over the window</h2>
<div class="charts">${report.charts.map((c) => svgLineChart(c.spec.title, c.series, c.spec.unit)).join('\n')}</div>
<h2>Health score</h2>
${htmlTable(HEADS.health, r.health)}
<p class="meta">${esc(a.health?.formula ?? '')}</p>
<h2>Resources (USE)</h2>
${htmlTable(HEADS.resources, r.resources)}
<h2>Routes</h2>
${htmlTable(HEADS.routes, r.routes)}
</body></html>
`;
}

function mdTable(head: string[], body: string[][]): string {
  if (body.length === 0) return '_Nothing to show in this window._\n';
  const cell = (c: string) => c.replace(/\|/g, '\\|');
  return `| ${head.join(' | ')} |\n| ${head.map(() => '---').join(' | ')} |\n${body.map((r) => `| ${r.map(cell).join(' | ')} |`).join('\n')}\n`;
}

export function renderMarkdown(report: Report): string {
  const a = report.analysis;
  const r = rows(report);
  const score = a.health?.score;
  const chartLines = report.charts.map((c) => {
    const parts = c.series.map((s) => {
      const vs = s.v.filter(Number.isFinite);
      return vs.length
        ? `${s.name} min ${formatUnit(Math.min(...vs), c.spec.unit)}, max ${formatUnit(Math.max(...vs), c.spec.unit)}`
        : `${s.name}: no data`;
    });
    return `- **${c.spec.title}**: ${parts.length ? parts.join('; ') : 'no data'}`;
  });
  return [
    `# ${report.title}`,
    '',
    `${iso(a.from)} → ${iso(a.to)} · from ${report.server}`,
    '',
    `**Health: ${score === null || score === undefined ? '—' : Math.round(Math.max(0, score))} (${a.health?.grade ?? 'no grade'})** — ${a.bottlenecks?.summary ?? ''}`,
    '',
    '## Recommendations',
    '',
    ...(r.recommendations.length
      ? r.recommendations.map(([p, t], i) => `${i + 1}. **${p}** — ${t}`)
      : ['_No findings in this window._']),
    '',
    '## Over the window',
    '',
    ...chartLines,
    '',
    '## Health score',
    '',
    mdTable(HEADS.health, r.health),
    '## Resources (USE)',
    '',
    mdTable(HEADS.resources, r.resources),
    '## Routes',
    '',
    mdTable(HEADS.routes, r.routes),
  ].join('\n');
}

export function renderCsv(report: Report): string {
  const lines = ['chart,series,timestamp,value'];
  for (const c of report.charts) {
    for (const s of c.series)
      for (let i = 0; i < s.t.length; i++) lines.push(`"${c.spec.title}",${s.name},${s.t[i]},${s.v[i]}`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
