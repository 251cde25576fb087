// Rules and alerts in the shape of Prometheus's /api/v1/rules and /api/v1/alerts.
import type { Labels } from '../storage/types.js';
import { type Alert, AlertingRule } from './rules/alerting-rule.js';
import type { RuleGroup } from './rules/group.js';

export interface AlertJson {
  readonly labels: Labels;
  readonly annotations: Readonly<Record<string, string>>;
  readonly state: 'pending' | 'firing';
  readonly activeAt: string;
  readonly keepFiringSince?: string;
  readonly value: string;
}

export interface RuleJson {
  readonly type: 'alerting' | 'recording';
  readonly name: string;
  readonly query: string;
  readonly labels: Labels;
  readonly health: 'ok' | 'err' | 'unknown';
  readonly lastError?: string;
  readonly evaluationTime: number;
  readonly lastEvaluation: string;
  readonly state?: 'inactive' | 'pending' | 'firing';
  readonly duration?: number;
  readonly keepFiringFor?: number;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly alerts?: AlertJson[];
}

export interface AlertingStatus {
  readonly rules: {
    groups: {
      name: string;
      file: string;
      interval: number;
      limit: number;
      rules: RuleJson[];
      evaluationTime: number;
      lastEvaluation: string;
    }[];
  };
  readonly alerts: { alerts: AlertJson[] };
}

const ZERO = '0001-01-01T00:00:00Z';
const iso = (ms: number) => (ms ? new Date(ms).toISOString() : ZERO);

/** Go's strconv.FormatFloat(v, 'e', -1, 64), which Prometheus uses for alert values. */
function formatE(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const [m, e] = v.toExponential().split('e');
  const n = Number(e);
  return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
}

function alertJson(a: Alert): AlertJson | null {
  if (a.state === 'inactive') return null;
  return {
    labels: a.labels,
    annotations: a.annotations,
    state: a.state,
    activeAt: iso(a.activeAt),
    ...(a.keepFiringSince ? { keepFiringSince: iso(a.keepFiringSince) } : {}),
    value: formatE(a.value),
  };
}

export function rulesStatus(
  groups: readonly RuleGroup[],
  filter: { type?: 'alert' | 'record' } = {},
): AlertingStatus['rules'] {
  return {
    groups: groups.map((g) => ({
      name: g.spec.name,
      file: g.spec.file,
      interval: g.intervalMs / 1000,
      limit: g.spec.limit,
      evaluationTime: g.evaluationMs / 1000,
      lastEvaluation: iso(g.lastEvaluation),
      rules: g.rules
        .filter((r) => !filter.type || r.spec.kind === filter.type)
        .map((r): RuleJson => {
          const common = {
            name: r.name,
            query: r.spec.expr,
            labels: r.spec.labels,
            health: r.health,
            ...(r.lastError ? { lastError: r.lastError } : {}),
            evaluationTime: r.evaluationMs / 1000,
            lastEvaluation: iso(r.lastEvaluation),
          };
          if (!(r instanceof AlertingRule)) return { ...common, type: 'recording' };
          const alerts = [...r.active.values()].map(alertJson).filter((x): x is AlertJson => x !== null);
          const state = alerts.some((x) => x.state === 'firing')
            ? 'firing'
            : alerts.length
              ? 'pending'
              : 'inactive';
          return {
            ...common,
            type: 'alerting',
            state,
            duration: r.spec.forMs / 1000,
            keepFiringFor: r.spec.keepFiringForMs / 1000,
            annotations: r.spec.annotations,
            alerts,
          };
        }),
    })),
  };
}

export function alertsStatus(groups: readonly RuleGroup[]): AlertingStatus['alerts'] {
  const alerts: AlertJson[] = [];
  for (const g of groups) {
    for (const r of g.rules) {
      if (!(r instanceof AlertingRule)) continue;
      for (const a of r.active.values()) {
        const j = alertJson(a);
        if (j) alerts.push(j);
      }
    }
  }
  return { alerts };
}
