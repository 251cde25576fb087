// The readable report `sonde analyze` prints, from the analytics API's JSON.
// Kept apart from the command so it can be tested without a server.
import type { Health } from './app/health.js';
import type { RouteStats } from './app/routes.js';
import type { Recommendation } from './recommend/recommendations.js';
import { seriesName } from './recommend/recommendations.js';
import type { Summary } from './stats/summary.js';
import type { Trend } from './stats/trend.js';
import type { Bottlenecks } from './system/use.js';
import type { Labels } from '../storage/types.js';

export interface ReportData {
  readonly from: number;
  readonly to: number;
  readonly health?: Health;
  readonly bottlenecks?: Bottlenecks;
  readonly routes?: readonly RouteStats[];
  readonly recommendations?: readonly Recommendation[];
  readonly summary?: readonly { labels: Labels; summary: Summary }[];
  readonly trends?: readonly { labels: Labels; trend: Trend }[];
  readonly anomalies?: readonly {
    labels: Labels;
    score: number;
    anomalous: boolean;
    by: string;
    episodes: readonly { t: number }[];
  }[];
}

const fmt = (x: number | null | undefined, digits = 3) =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : Number(x.toPrecision(digits)).toString();
const pct = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(1)}%`;
const ms = (s: number | null) =>
  s === null || !Number.isFinite(s) ? '—' : s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(0)} ms`;
const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

function table(head: string[], rows: string[][]): string[] {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  return [line(head), ...rows.map(line)];
}

export function renderReport(d: ReportData): string {
  const out: string[] = [`sonde analysis ${iso(d.from)} – ${iso(d.to)}`, ''];
  if (d.health) {
    const h = d.health;
    out.push(h.score === null ? 'Health: no data' : `Health: ${h.score.toFixed(1)}/100, grade ${h.grade}`);
    for (const p of h.parts)
      out.push(
        `  ${p.name.padEnd(10)} ${p.value === null ? '   —' : (p.value * 100).toFixed(0).padStart(4)}  ×${p.weight.toFixed(2)}  ${p.evidence}`,
      );
    out.push('');
  }
  if (d.bottlenecks) {
    out.push(`Resources (USE): ${d.bottlenecks.summary}`);
    if (d.bottlenecks.resources.length)
      out.push(
        ...table(
          ['  resource', 'utilization', 'saturation', 'errors/s', 'pressure'],
          d.bottlenecks.resources.map((r) => [
            `  ${r.resource}`,
            pct(r.utilization),
            fmt(r.saturation),
            fmt(r.errors),
            pct(r.pressure),
          ]),
        ),
      );
    out.push('');
  }
  if (d.routes?.length) {
    out.push('Routes by P95:');
    out.push(
      ...table(
        ['  route', 'P95', 'P99', 'req/s', 'errors', 'cache', 'severity'],
        d.routes.map((r) => [
          `  ${r.method} ${r.route}`,
          ms(r.p95),
          ms(r.p99),
          fmt(r.throughput),
          pct(r.errorRate),
          r.cacheHitRate === null ? 'none' : `${pct(r.cacheHitRate)} ${r.cache}`,
          r.severity,
        ]),
      ),
    );
    out.push('');
  }
  if (d.summary?.length) {
    out.push('Summary:');
    out.push(
      ...table(
        ['  series', 'count', 'mean', 'p50', 'p95', 'p99', 'max'],
        d.summary.map(({ labels, summary: s }) => [
          `  ${seriesName(labels)}`,
          String(s.count),
          fmt(s.mean),
          fmt(s.p50),
          fmt(s.p95),
          fmt(s.p99),
          fmt(s.max),
        ]),
      ),
    );
    out.push('');
  }
  if (d.trends?.length) {
    out.push('Trends (Theil–Sen, Mann–Kendall):');
    for (const { labels, trend: t } of d.trends)
      out.push(
        `  ${seriesName(labels)}: ${t.direction}, ${fmt(t.slopePerHour)}/h (${fmt(t.slopePerDay)}/day), p=${fmt(t.p, 2)}`,
      );
    out.push('');
  }
  if (d.anomalies?.length) {
    const bad = d.anomalies.filter((a) => a.anomalous || a.episodes.length);
    out.push(
      `Anomalies: ${d.anomalies.filter((a) => a.anomalous).length} of ${d.anomalies.length} series anomalous now`,
    );
    for (const a of bad.slice(0, 20))
      out.push(
        `  ${seriesName(a.labels)}: score ${a.score.toFixed(2)} (${a.by}), ${a.episodes.length} episode(s)${a.episodes.length ? `, last at ${iso(a.episodes[a.episodes.length - 1].t)}` : ''}`,
      );
    out.push('');
  }
  out.push(
    d.recommendations?.length
      ? 'Recommendations:'
      : 'Recommendations: none — nothing in this window needs action.',
  );
  for (const r of d.recommendations ?? []) out.push(`  [${r.priority}] ${r.text}`);
  return `${out.join('\n')}\n`;
}
