// A stand-in sonde API for developing and testing the dashboard while the
// real parts are being built: synthetic, deterministic series for any
// PromQL (shaped by its `by (...)` clause and metric-name alternations),
// canned analytics answers, in-memory silences, and the real live-stream
// plugin over a synthetic engine. Not a PromQL engine: it only shapes data.
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { dashboardAssets } from '../../src/api/dashboard-assets.js';
import type { ApiDeps } from '../../src/api/deps.js';
import { createLiveRoutes } from '../../src/api/live/index.js';
import type { QueryEngine, QueryValue } from '../../src/query/types.js';
import { MemoryStorage } from '../../src/storage/index.js';

const VALUES: Record<string, string[]> = {
  mode: ['user', 'system', 'iowait', 'steal'],
  route: ['/api/users/:id', '/api/orders', '/api/search', '/health', '/api/cart'],
  method: ['GET'],
  status_code: ['200', '404', '500'],
  instance: ['127.0.0.1:9977'],
  job: ['sonde', 'shop-api'],
  alertname: [],
  le: ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '+Inf'],
  cpu: ['0', '1'],
};

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) / 2 ** 32;
}

/** Label sets a query would return: one per combination of its `by (...)` labels, or per alternated name. */
export function shapeOf(query: string): Record<string, string>[] {
  let expr = query;
  const alt = /__name__=~"([a-z_]*)\(?([^")]+)\)?([a-z_]*)"/.exec(expr);
  if (alt) return alt[2].split('|').map((n) => ({ __name__: alt[1] + n + alt[3] }));
  if (expr.startsWith('histogram_quantile')) expr = expr.replace(/\ble\b,?\s*/, '');
  const by = /by \(([^)]*)\)/.exec(expr);
  if (by) {
    let sets: Record<string, string>[] = [{}];
    for (const name of by[1]
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const vals = VALUES[name] ?? ['a', 'b'];
      sets = sets.flatMap((s) => vals.map((v) => ({ ...s, [name]: v })));
    }
    return sets;
  }
  if (/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(expr.trim())) return [{ __name__: expr.trim() }];
  return [{}];
}

function magnitude(expr: string): number {
  if (/histogram_quantile\((0\.\d+)/.test(expr))
    return 0.02 + Number(/histogram_quantile\((0\.\d+)/.exec(expr)![1]) ** 8 * 0.3;
  if (/100 \*/.test(expr)) return 12;
  if (/MemTotal_bytes\)$/.test(expr)) return 16 * 2 ** 30;
  if (/_bytes/.test(expr)) return /rate\(/.test(expr) ? 2e6 : 6 * 2 ** 30;
  if (/status_code=~"5/.test(expr)) return 0.012;
  if (/cache="hit"/.test(expr)) return 0.8;
  if (/load/.test(expr)) return 1.2;
  if (/_count|_total/.test(expr)) return 120;
  return 1;
}

export function value(expr: string, labels: Record<string, string>, t: number): number {
  const h = hash(expr + JSON.stringify(labels));
  if (labels.le) {
    // Cumulative buckets: a latency distribution whose centre drifts slowly.
    const centre = 0.03 * (1 + 0.5 * Math.sin(t / 300_000));
    const le = labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(labels.le);
    return 600 * (1 - Math.exp(-le / centre));
  }
  const base = magnitude(expr) * (0.4 + h);
  if (/MemTotal_bytes\)$/.test(expr)) return 16 * 2 ** 30;
  const wave = Math.sin(t / 60_000 + h * 10) * 0.15 + Math.sin(t / 7_000 + h * 3) * 0.05;
  const noise = (hash(`${expr}${Math.floor(t / 1000)}`) - 0.5) * 0.1;
  return Math.max(0, base * (1 + wave + noise));
}

export function syntheticEngine(): QueryEngine {
  return {
    async instant(expr, t): Promise<QueryValue> {
      return {
        type: 'vector',
        samples: shapeOf(expr).map((labels) => ({ labels, t, v: value(expr, labels, t) })),
      };
    },
    async range(expr, start, end, step): Promise<QueryValue> {
      const n = Math.floor((end - start) / step) + 1;
      return {
        type: 'matrix',
        series: shapeOf(expr).map((labels) => {
          const t = new Float64Array(n);
          const v = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            t[i] = start + i * step;
            v[i] = value(expr, labels, t[i]);
          }
          return { labels, t, v };
        }),
      };
    },
  };
}

const ok = (data: unknown) => ({ status: 'success', data });

export async function startStubApi(opts: { dashboardDir: string | null; analytics?: boolean }): Promise<{
  app: FastifyInstance;
  url: string;
}> {
  const app = Fastify();
  const engine = syntheticEngine();
  const deps = {
    config: {} as ApiDeps['config'],
    storage: new MemoryStorage(),
    engine,
    logger: pino({ level: 'silent' }),
    startedAt: Date.now(),
  } satisfies ApiDeps;
  await app.register(async (s) => createLiveRoutes()(s, deps));
  const toProm = (v: QueryValue) =>
    v.type === 'matrix'
      ? {
          resultType: 'matrix',
          result: v.series.map((s) => ({
            metric: s.labels,
            values: Array.from(s.t, (t, i) => [t / 1000, String(s.v[i])]),
          })),
        }
      : v.type === 'vector'
        ? {
            resultType: 'vector',
            result: v.samples.map((s) => ({ metric: s.labels, value: [s.t / 1000, String(s.v)] })),
          }
        : { resultType: v.type, result: [v.t / 1000, String(v.v)] };
  app.get('/api/v1/query', async (req) => {
    const q = req.query as { query: string; time?: string };
    const t = q.time ? Number(q.time) * 1000 : Date.now();
    if (q.query.includes('node_uname_info'))
      return ok({
        resultType: 'vector',
        result: [
          {
            metric: { nodename: 'stub-host', sysname: 'Linux', release: '6.1', machine: 'x86_64' },
            value: [t / 1000, '1'],
          },
        ],
      });
    return ok(toProm(await engine.instant(q.query, t)));
  });
  app.get('/api/v1/query_range', async (req) => {
    const q = req.query as { query: string; start: string; end: string; step: string };
    return ok(
      toProm(
        await engine.range(q.query, Number(q.start) * 1000, Number(q.end) * 1000, Number(q.step) * 1000),
      ),
    );
  });
  app.get('/api/v1/labels', async () => ok(['__name__', 'instance', 'job', 'mode', 'route']));
  app.get('/api/v1/label/:name/values', async () =>
    ok(['node_load1', 'node_cpu_seconds_total', 'http_server_requests_total']),
  );
  app.get('/api/v1/series', async () => ok([]));
  app.get('/api/v1/metadata', async () => ok({}));
  const silences: Record<string, unknown>[] = [];
  if (opts.analytics !== false) {
    app.get('/api/v1/alerts', async () => ok({ alerts: [] }));
    app.get('/api/v1/rules', async () => ok({ groups: [] }));
    app.get('/api/sonde/v1/silences', async () => silences);
    app.post('/api/sonde/v1/silences', async (req) => {
      const id = `s${silences.length + 1}`;
      silences.push({ id, ...(req.body as object), status: { state: 'active' } });
      return { silenceID: id };
    });
    app.delete('/api/sonde/v1/silences/:id', async (req) => {
      const s = silences.find((x) => x.id === (req.params as { id: string }).id);
      if (s) s.status = { state: 'expired' };
      return {};
    });
  }
  await dashboardAssets(app, opts.dashboardDir);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}

// `node --conditions=sonde-src --import tsx packages/sonde/test/dashboard/stub-api.ts` serves the built dashboard.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { fileURLToPath } = await import('node:url');
  const dir = fileURLToPath(new URL('../../../dashboard/dist', import.meta.url));
  const { url } = await startStubApi({ dashboardDir: dir });
  console.log(`stub API with the dashboard at ${url}`);
}
