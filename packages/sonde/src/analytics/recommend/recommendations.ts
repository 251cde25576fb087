// Recommendations: every finding of the other analyses becomes one sentence
// that says what to do and carries its evidence — the series, the numbers,
// the time window. Nothing is emitted without a finding behind it.
import type { Health } from '../app/health.js';
import type { RouteStats } from '../app/routes.js';
import type { Change } from '../changes/changes.js';
import type { ThresholdEta } from '../forecast/threshold.js';
import type { Comparison } from '../stats/compare.js';
import type { Bottlenecks } from '../system/use.js';
import type { Labels } from '../../storage/types.js';

export type Priority = 'critical' | 'warning' | 'info';

export interface Recommendation {
  readonly priority: Priority;
  readonly kind:
    | 'route'
    | 'cache'
    | 'errors'
    | 'bottleneck'
    | 'capacity'
    | 'regression'
    | 'anomaly'
    | 'change'
    | 'health';
  readonly text: string;
  /** The numbers behind the sentence, machine-readable. */
  readonly evidence: Readonly<Record<string, unknown>>;
}

export interface AnomalyFinding {
  readonly labels: Labels;
  /** First point of the current anomalous episode, ms. */
  readonly since: number;
  readonly score: number;
  readonly by: string;
  readonly value: number;
}

export interface CapacityFinding {
  readonly labels: Labels;
  readonly threshold: number;
  readonly current: number;
  readonly eta: ThresholdEta;
}

export interface Findings {
  readonly from: number;
  readonly to: number;
  readonly routes?: readonly RouteStats[];
  readonly bottlenecks?: Bottlenecks | null;
  readonly health?: Health | null;
  readonly anomalies?: readonly AnomalyFinding[];
  readonly capacity?: readonly CapacityFinding[];
  readonly regressions?: readonly {
    labels: Labels;
    comparison: Comparison;
    baselineFrom: number;
    baselineTo: number;
  }[];
  readonly changes?: readonly Change[];
}

/** `name{a="b", ...}` as PromQL writes a series. */
export function seriesName(labels: Labels): string {
  const name = labels.__name__ ?? '';
  const rest = Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}="${labels[k]}"`);
  return rest.length ? `${name}{${rest.join(', ')}}` : name || '{}';
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const span = (a: number, b: number) => `${iso(a)}–${iso(b)}`;
const ms = (s: number) => (s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(0)} ms`);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (x: number) =>
  Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-2)
    ? x.toExponential(2)
    : Number(x.toPrecision(4)).toString();

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'never';
  if (seconds < 90) return `${seconds.toFixed(0)} s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 2 * 86400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

const ORDER: Record<Priority, number> = { critical: 0, warning: 1, info: 2 };

export function recommend(f: Findings): Recommendation[] {
  const out: Recommendation[] = [];
  const when = span(f.from, f.to);
  const totalRequests = (f.routes ?? []).reduce((a, r) => a + r.requests, 0);
  for (const r of f.routes ?? []) {
    const name = `${r.method} ${r.route}`.trim();
    const share = totalRequests > 0 ? r.requests / totalRequests : 0;
    if ((r.severity === 'critical' || r.severity === 'slow') && r.p95 !== null)
      out.push({
        priority: r.severity === 'critical' ? 'critical' : 'warning',
        kind: 'route',
        text: `Speed up ${name}: its P95 latency is ${ms(r.p95)} (${r.severity}) over ${Math.round(r.requests)} requests in ${when}, ${pct(share)} of all traffic; profile its handler and the calls it waits on.`,
        evidence: {
          route: r.route,
          method: r.method,
          p95: r.p95,
          p99: r.p99,
          requests: r.requests,
          severity: r.severity,
          from: f.from,
          to: f.to,
        },
      });
    if (r.errorRate !== null && r.errorRate >= 0.01)
      out.push({
        priority: r.errorRate >= 0.05 ? 'critical' : 'warning',
        kind: 'errors',
        text: `Fix the failures of ${name}: ${Math.round(r.errors)} of ${Math.round(r.requests)} requests (${pct(r.errorRate)}) answered 5xx in ${when}; look at its error logs for that window.`,
        evidence: {
          route: r.route,
          method: r.method,
          errors: r.errors,
          requests: r.requests,
          errorRate: r.errorRate,
        },
      });
    if (r.cacheHitRate !== null && r.cache !== 'high' && r.requests >= 100)
      out.push({
        priority: 'info',
        kind: 'cache',
        text: `Review caching of ${name}: only ${pct(r.cacheHitRate)} of its ${Math.round(r.requests)} cache-eligible requests were hits in ${when} (high is ≥ 70%); check its cache keys and TTL.`,
        evidence: { route: r.route, method: r.method, cacheHitRate: r.cacheHitRate, requests: r.requests },
      });
  }
  const top = f.bottlenecks?.resources[0];
  if (top && top.pressure >= 0.8)
    out.push({
      priority: top.pressure >= 0.95 ? 'critical' : 'warning',
      kind: 'bottleneck',
      text: `Relieve the ${top.resource}: it is the most saturated resource at ${pct(top.pressure)} pressure in ${when} (${top.evidence.join('; ')}); add capacity or cut the work that uses it.`,
      evidence: {
        resource: top.resource,
        pressure: top.pressure,
        utilization: top.utilization,
        saturation: top.saturation,
        errors: top.errors,
      },
    });
  for (const c of f.capacity ?? []) {
    const e = c.eta;
    const at = iso(f.to + e.seconds * 1000);
    out.push({
      priority: e.seconds < 86400 ? 'critical' : e.seconds < 7 * 86400 ? 'warning' : 'info',
      kind: 'capacity',
      text: `Plan capacity for ${seriesName(c.labels)}: at its current trend (${num(e.slopePerSecond * 86400)}/day) it reaches ${num(c.threshold)} in ${duration(e.seconds)} (${duration(e.lowerSeconds)}–${duration(e.upperSeconds)}), around ${at}; now ${num(c.current)}.`,
      evidence: { series: c.labels, threshold: c.threshold, current: c.current, ...e },
    });
  }
  for (const r of f.regressions ?? []) {
    if (r.comparison.verdict !== 'regression') continue;
    const m = r.comparison.medianChange;
    out.push({
      priority: 'warning',
      kind: 'regression',
      text: `Investigate the regression of ${seriesName(r.labels)}: median ${num(m.baseline)} → ${num(m.current)} (${m.relative >= 0 ? '+' : ''}${pct(m.relative)}, p=${r.comparison.p.toExponential(1)}) in ${when} against ${span(r.baselineFrom, r.baselineTo)}; check what was deployed between them.`,
      evidence: { series: r.labels, ...r.comparison },
    });
  }
  for (const a of f.anomalies ?? [])
    out.push({
      priority: a.score >= 0.8 ? 'warning' : 'info',
      kind: 'anomaly',
      text: `Look at ${seriesName(a.labels)}: anomalous since ${iso(a.since)} (score ${a.score.toFixed(2)}, ${a.by} detector), latest value ${num(a.value)}.`,
      evidence: { series: a.labels, since: a.since, score: a.score, detector: a.by, value: a.value },
    });
  const changed = (f.changes ?? []).filter((c) => c.d >= 0.5 && c.p < 0.01).slice(0, 3);
  for (const c of changed)
    out.push({
      priority: 'info',
      kind: 'change',
      text: `Among the likely causes: ${seriesName(c.labels)} changed distribution in ${when} (KS D=${c.d.toFixed(2)}): median ${num(c.medianBefore)} before, ${num(c.medianDuring)} during.`,
      evidence: {
        series: c.labels,
        d: c.d,
        p: c.p,
        medianBefore: c.medianBefore,
        medianDuring: c.medianDuring,
      },
    });
  const h = f.health;
  if (h?.score != null && h.score < 80) {
    const worst = [...h.parts].filter((p) => p.value !== null).sort((a, b) => a.value! - b.value!)[0];
    out.push({
      priority: h.score < 60 ? 'critical' : 'warning',
      kind: 'health',
      text: `Health is ${h.score.toFixed(0)}/100 (grade ${h.grade}) in ${when}; its weakest part is ${worst.name} at ${(worst.value! * 100).toFixed(0)}/100: ${worst.evidence}.`,
      evidence: { score: h.score, grade: h.grade, parts: h.parts },
    });
  }
  return out.sort((a, b) => ORDER[a.priority] - ORDER[b.priority]);
}
