// The per-route table: one instant query per column, joined on (route, method).
import { api, vectorRows } from '../api/client';
import type { Result } from '../api/client';
import { appQueries } from './queries';
import type { Severity } from './shape';

export interface RouteRow {
  route: string;
  method: string;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  cache: number;
  severity: Severity;
}

/** Why a route is flagged: p99 and error rate against fixed, stated thresholds. */
export function routeSeverity(r: Pick<RouteRow, 'p99' | 'errors'>): Severity {
  if (r.errors > 0.05 || r.p99 > 1) return 'bad';
  if (r.errors > 0.01 || r.p99 > 0.3) return 'warn';
  return 'ok';
}

export async function loadRoutes(window: string, signal?: AbortSignal): Promise<Result<RouteRow[]>> {
  const cols = ['rps', 'p50', 'p95', 'p99', 'errors', 'cache'] as const;
  const results = await Promise.all(
    cols.map((c) => api.query(appQueries.routeStat[c](window), undefined, signal)),
  );
  const first = results[0];
  if (!first.ok) return first;
  const rows = new Map<string, RouteRow>();
  results.forEach((r, i) => {
    if (!r.ok) return;
    for (const { labels, value } of vectorRows(r.data)) {
      const route = labels.route ?? '(no route)';
      const method = labels.method ?? '';
      const key = `${method} ${route}`;
      let row = rows.get(key);
      if (!row) {
        row = {
          route,
          method,
          rps: 0,
          p50: NaN,
          p95: NaN,
          p99: NaN,
          errors: 0,
          cache: NaN,
          severity: 'muted',
        };
        rows.set(key, row);
      }
      row[cols[i]] = value;
    }
  });
  const out = [...rows.values()];
  for (const r of out) r.severity = routeSeverity(r);
  return { ok: true, data: out };
}
