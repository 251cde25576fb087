// Alerting over HTTP: Prometheus's GET /api/v1/rules and /api/v1/alerts (same
// JSON), and under /api/sonde/v1/ the alerts handed to notification with
// their silenced / inhibited state, silences (both in Alertmanager API v2's
// shape) and the notification history. Creating, updating and expiring a
// silence are admin actions, written to the audit log.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { type Alerting, SilenceError, type SilenceMatcher } from '../../alerting/index.js';
import { audit, requestActor } from '../auth/index.js';
import type { ApiDeps, RoutePlugin } from '../deps.js';

function badData(reply: FastifyReply, status: number, error: string) {
  return reply
    .code(status)
    .send({ status: 'error', errorType: status === 404 ? 'not_found' : 'bad_data', error });
}

function parseTime(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const t = typeof v === 'number' ? v * 1000 : Date.parse(String(v));
  if (!Number.isFinite(t))
    throw new SilenceError(`${name} must be an RFC 3339 time, got ${JSON.stringify(v)}`);
  return t;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function alertingRoutes(alerting: Alerting): RoutePlugin {
  return (app: FastifyInstance, deps: ApiDeps) => {
    app.get<{ Querystring: { type?: string } }>('/api/v1/rules', async (req, reply) => {
      const type = req.query.type;
      if (type !== undefined && type !== 'alert' && type !== 'record') {
        return badData(reply, 400, `unsupported type "${type}": use alert or record`);
      }
      return { status: 'success', data: alerting.rules(type ? { type } : {}) };
    });

    app.get('/api/v1/alerts', async () => ({ status: 'success', data: alerting.alerts() }));

    const silenceJson = (s: NonNullable<ReturnType<Alerting['silences']['get']>>) => ({
      id: s.id,
      status: { state: s.state },
      matchers: s.matchers,
      startsAt: iso(s.startsAt),
      endsAt: iso(s.endsAt),
      updatedAt: iso(s.updatedAt),
      createdBy: s.createdBy,
      comment: s.comment,
    });

    app.get('/api/sonde/v1/silences', async () => ({
      status: 'success',
      data: alerting.silences.list().map(silenceJson),
    }));

    app.get<{ Params: { id: string } }>('/api/sonde/v1/silences/:id', async (req, reply) => {
      const s = alerting.silences.get(req.params.id);
      if (!s) return badData(reply, 404, `silence ${req.params.id} not found`);
      return { status: 'success', data: silenceJson(s) };
    });

    app.post('/api/sonde/v1/silences', async (req, reply) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      try {
        const endsAt = parseTime(b.endsAt, 'endsAt');
        if (endsAt === undefined) throw new SilenceError('endsAt is required');
        const updates = typeof b.id === 'string' && b.id ? b.id : undefined;
        const id = await alerting.silences.upsert({
          ...(updates ? { id: updates } : {}),
          matchers: (Array.isArray(b.matchers) ? b.matchers : []) as SilenceMatcher[],
          startsAt: parseTime(b.startsAt, 'startsAt'),
          endsAt,
          createdBy: String(b.createdBy ?? ''),
          comment: String(b.comment ?? ''),
        });
        const s = alerting.silences.get(id);
        await audit(deps.config.data_dir, {
          action: updates ? 'silence.update' : 'silence.create',
          actor: requestActor(req),
          detail: {
            id,
            matchers: s?.matchers,
            startsAt: s && iso(s.startsAt),
            endsAt: s && iso(s.endsAt),
            createdBy: s?.createdBy,
            comment: s?.comment,
          },
        });
        return { status: 'success', data: { silenceID: id } };
      } catch (e) {
        if (e instanceof SilenceError) return badData(reply, e.status, e.message);
        throw e;
      }
    });

    app.delete<{ Params: { id: string } }>('/api/sonde/v1/silences/:id', async (req, reply) => {
      try {
        await alerting.silences.expire(req.params.id);
        await audit(deps.config.data_dir, {
          action: 'silence.expire',
          actor: requestActor(req),
          detail: { id: req.params.id },
        });
        return { status: 'success' };
      } catch (e) {
        if (e instanceof SilenceError) return badData(reply, e.status, e.message);
        throw e;
      }
    });

    app.get('/api/sonde/v1/alerts', async () => ({
      status: 'success',
      data: alerting.notifiedAlerts().map((a) => ({
        labels: a.labels,
        annotations: a.annotations,
        startsAt: iso(a.startsAt),
        endsAt: iso(a.endsAt),
        updatedAt: iso(a.updatedAt),
        generatorURL: a.generatorURL,
        fingerprint: a.fingerprint,
        status: a.status,
        receivers: a.receivers.map((name) => ({ name })),
      })),
    }));

    app.get<{ Querystring: { limit?: string } }>('/api/sonde/v1/notifications', async (req, reply) => {
      const limit = req.query.limit === undefined ? 100 : Number(req.query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
        return badData(reply, 400, 'limit must be an integer 1..10000');
      const data = alerting.notifications(limit).map((n) => ({
        id: n.id,
        receiver: n.receiver,
        destination: n.dest,
        groupKey: n.groupKey,
        status: n.status,
        alerts: n.alerts,
        state: n.state,
        attempts: n.attempts,
        createdAt: iso(n.createdAt),
        ...(n.doneAt ? { finishedAt: iso(n.doneAt) } : {}),
        ...(n.lastError ? { lastError: n.lastError } : {}),
      }));
      return { status: 'success', data };
    });
  };
}
