// The store's operations over HTTP: statistics for the dashboard's storage
// page, and the admin actions (delete series, change retention), audited.
// Prometheus's own delete endpoint is answered too, for existing tooling.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseExpr } from '../../query/index.js';
import type { Matcher, Storage } from '../../storage/types.js';
import { audit, requestActor } from '../auth/index.js';
import type { ApiDeps, RoutePlugin } from '../deps.js';

export interface StorageAdmin {
  /** Present on the embedded store: retention takes effect without a restart. */
  setRetention?(retention: Partial<Record<'raw' | '1m' | '1h', number>>, maxBytes?: number | null): void;
}

class BadRequest extends Error {
  readonly statusCode = 400;
}

/** Matchers of a series selector such as `up{job="api"}`, with a clear error for anything else. */
export function selectorMatchers(selector: string): Matcher[] {
  let expr: ReturnType<typeof parseExpr>;
  try {
    expr = parseExpr(selector);
  } catch (err) {
    throw new BadRequest(`invalid selector ${JSON.stringify(selector)}: ${(err as Error).message}`);
  }
  if (expr.kind !== 'vectorSelector')
    throw new BadRequest(`${JSON.stringify(selector)} is not a series selector`);
  return expr.matchers.map((m) => ({ type: m.type, name: m.name, value: m.value }));
}

function timeParam(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  const t = Number.isFinite(n) ? n * 1000 : Date.parse(String(value));
  if (!Number.isFinite(t)) throw new BadRequest(`cannot parse ${name}=${JSON.stringify(value)} as a time`);
  return t;
}

async function deleteMatching(
  deps: ApiDeps,
  req: FastifyRequest,
  selectors: string[],
  start: unknown,
  end: unknown,
) {
  if (selectors.length === 0) throw new BadRequest('match[] is required: name the series to delete');
  const from = timeParam(start, 'start', Number.NEGATIVE_INFINITY);
  const to = timeParam(end, 'end', Number.POSITIVE_INFINITY);
  let series = 0;
  for (const selector of selectors)
    series += await deps.storage.deleteSeries(selectorMatchers(selector), from, to);
  await audit(deps.config.data_dir, {
    action: 'storage.delete',
    actor: requestActor(req),
    detail: { selectors, from, to, series },
  });
  return series;
}

function asList(v: unknown): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

export function storageRoutes(storage: Storage & StorageAdmin): RoutePlugin {
  return (app: FastifyInstance, deps: ApiDeps) => {
    app.get('/api/sonde/v1/storage', async () => ({ status: 'success', data: storage.stats() }));

    app.post('/api/sonde/v1/storage/delete', async (req) => {
      const body = (req.body ?? {}) as { match?: unknown; start?: unknown; end?: unknown };
      const series = await deleteMatching(deps, req, asList(body.match), body.start, body.end);
      return { status: 'success', data: { series } };
    });

    app.post('/api/v1/admin/tsdb/delete_series', async (req, reply) => {
      const q = req.query as Record<string, unknown>;
      await deleteMatching(deps, req, asList(q['match[]']), q.start, q.end);
      return reply.code(204).send();
    });

    app.put('/api/sonde/v1/storage/retention', async (req) => {
      if (!storage.setRetention)
        throw new BadRequest('this store has no retention to change (agent mode or a remote store)');
      const body = (req.body ?? {}) as Record<string, unknown>;
      const retention: Partial<Record<'raw' | '1m' | '1h', number>> = {};
      for (const tier of ['raw', '1m', '1h'] as const) {
        const v = body[tier];
        if (v === undefined) continue;
        if (typeof v !== 'number' || !(v > 0))
          throw new BadRequest(`${tier} must be a positive number of milliseconds`);
        retention[tier] = v;
      }
      const maxBytes = body.maxBytes;
      if (maxBytes !== undefined && maxBytes !== null && !(typeof maxBytes === 'number' && maxBytes > 0)) {
        throw new BadRequest('maxBytes must be a positive number of bytes, or null for no cap');
      }
      storage.setRetention(retention, maxBytes as number | null | undefined);
      await audit(deps.config.data_dir, {
        action: 'storage.retention',
        actor: requestActor(req),
        detail: { retention, maxBytes },
      });
      return { status: 'success', data: storage.stats().tiers };
    });
  };
}
