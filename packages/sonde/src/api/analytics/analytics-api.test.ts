import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { configSchema } from '../../config/schema.js';
import type { QueryEngine } from '../../query/types.js';
import { MemoryStorage } from '../../storage/memory.js';
import type { Labels } from '../../storage/types.js';
import { sampleFromValues } from '../../analytics/stats/histogram.js';
import { analyticsRoutes } from './index.js';
import { parseSelector } from './selector.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1);
const END = T0 + 240 * MIN; // 4 h of 1-minute samples

/** A fake engine: answers any expression with one fixed matrix, and rejects "bad(". */
const engine: QueryEngine = {
  instant: async () => ({ type: 'scalar', t: 0, v: 0 }),
  range: async (expr) => {
    if (expr.includes('bad(')) {
      const { QueryError } = await import('../../query/types.js');
      throw new QueryError('parse error: unexpected end', 'bad_data');
    }
    return {
      type: 'matrix',
      series: [{ labels: { job: 'computed' }, t: Float64Array.of(T0, T0 + MIN), v: Float64Array.of(1, 3) }],
    };
  },
};

async function seed(storage: MemoryStorage) {
  const app = storage.appender();
  for (let i = 0; i <= 240; i++) {
    const t = T0 + i * MIN;
    const late = i >= 180;
    const add = (labels: Labels, v: number) => app.append(labels, t, v);
    add({ __name__: 'latency_ms', instance: 'a', job: 'web' }, (late ? 150 : 100) + (i % 7));
    add({ __name__: 'latency_ms', instance: 'b', job: 'web' }, 50 + (i % 5) + (i === 235 ? 400 : 0));
    add({ __name__: 'queue_depth', instance: 'a', job: 'web' }, 10 + (i % 3));
    add({ __name__: 'node_filesystem_avail_bytes', instance: 'a', mountpoint: '/var' }, 5e9 - i * 1e7);
    add({ __name__: 'node_cpu_seconds_total', instance: 'a', cpu: '0', mode: 'idle' }, i * 60 * 0.1);
    add({ __name__: 'node_cpu_seconds_total', instance: 'a', cpu: '0', mode: 'user' }, i * 60 * 0.9);
    add(
      { __name__: 'http_server_requests_total', route: '/orders', method: 'GET', status_code: '200' },
      i * 60,
    );
    add(
      { __name__: 'http_server_requests_total', route: '/orders', method: 'GET', status_code: '500' },
      i * 3,
    );
    const lat = [...new Array(i * 10).fill(0.05), ...new Array(i).fill(2)];
    app.appendHistogram(
      { __name__: 'http_server_request_duration_seconds', route: '/orders', method: 'GET' },
      t,
      sampleFromValues(lat),
    );
  }
  await app.commit();
}

describe('analytics API', () => {
  let app: FastifyInstance;
  before(async () => {
    const storage = new MemoryStorage();
    await seed(storage);
    app = Fastify();
    await app.register(async (scope) =>
      analyticsRoutes(scope, {
        config: configSchema.parse({}),
        storage,
        engine,
        logger: pino({ level: 'silent' }),
        startedAt: T0,
      }),
    );
  });
  after(() => app.close());
  const get = async (path: string) => {
    const r = await app.inject({ method: 'GET', url: `/api/sonde/v1/${path}` });
    return { code: r.statusCode, body: r.json() };
  };
  const win = `from=${T0 / 1000}&to=${END / 1000}`;
  const late = `from=${(T0 + 180 * MIN) / 1000}&to=${END / 1000}`;

  it('summarizes raw samples exactly and histograms from merged sketches', async () => {
    const { code, body } = await get(`summary?query=latency_ms{instance="a"}&${win}`);
    assert.equal(code, 200);
    assert.equal(body.data.series.length, 1);
    assert.equal(body.data.series[0].summary.count, 241);
    assert.equal(body.data.series[0].summary.max, 156);
    const h = (await get(`summary?query=http_server_request_duration_seconds&${win}`)).body.data
      .overallHistogram;
    assert.equal(h.count, 240 * 11); // window increase: last − first sample
    assert.ok(Math.abs(h.p95 - 2) / 2 < 0.01, `p95 ${h.p95}`);
  });

  it('compares against the previous window and calls the regression', async () => {
    const { body } = await get(`compare?query=latency_ms{instance="a"}&${late}`);
    assert.equal(body.data.overall.verdict, 'regression');
    assert.equal(body.data.baselineTo, T0 + 180 * MIN);
  });

  it('evaluates non-selector expressions through the query engine', async () => {
    const { body } = await get(`summary?query=rate(x[5m])&${win}`);
    assert.deepEqual(body.data.series[0].labels, { job: 'computed' });
    assert.equal(body.data.series[0].summary.mean, 2);
  });

  it('finds the anomalous series and the anomaly rate per host and app', async () => {
    const { body } = await get(
      `anomalies?query=latency_ms&from=${(T0 + 200 * MIN) / 1000}&to=${END / 1000}&history=3h`,
    );
    const b = body.data.series.find((s: { labels: Labels }) => s.labels.instance === 'b');
    assert.ok(
      b.episodes.some((e: { t: number }) => e.t === T0 + 235 * MIN),
      JSON.stringify(b.episodes),
    );
    assert.equal(body.data.byApp[0].job, 'web');
    assert.equal(body.data.byApp[0].series, 2);
  });

  it('forecasts with intervals and the time to a threshold', async () => {
    const { body } = await get(`forecast?query=node_filesystem_avail_bytes&${win}&horizon=30m&threshold=0`);
    const s = body.data.series[0];
    assert.ok(s.holtWinters.points.length === 30);
    const eta = s.timeToThreshold.eta;
    // 2.6e9 left at 1e7 per minute: 260 minutes
    assert.ok(Math.abs(eta.seconds - 260 * 60) < 60, `${eta.seconds}`);
  });

  it('bounds a long forecast horizon: at most 11,000 points per series, the coarser step said', async () => {
    // 4 h of 1-minute samples forecast 10 years ahead would be 5 million points per series.
    const { code, body } = await get(`forecast?query=queue_depth&${win}&horizon=3650d`);
    assert.equal(code, 200);
    assert.equal(body.data.maxPointsPerSeries, 11_000);
    const hw = body.data.series[0].holtWinters;
    assert.ok(hw === null || hw.points.length <= 11_000);
    assert.match(body.data.warnings.join(' '), /within 11000 points per series/);
    const few = await get(`forecast?query=queue_depth&${win}&horizon=2h`);
    assert.equal(few.body.data.warnings, undefined);
    assert.equal(few.body.data.series[0].holtWinters.points.length, 120);
    const many = await get(`forecast?query=queue_depth&${win}&limit=100000`);
    assert.equal(many.code, 400);
    assert.match(many.body.error, /limit: must be between 1 and 200/);
  });

  it('ranks what changed, trends, USE, routes, health and recommendations', async () => {
    const ch = (await get(`changes?query={job="web"}&${late}`)).body.data.changes;
    assert.deepEqual(ch[0].labels, { __name__: 'latency_ms', instance: 'a', job: 'web' });
    const tr = (await get(`trends?query=node_filesystem_avail_bytes&${win}`)).body.data.series[0].trend;
    assert.ok(Math.abs(tr.slopePerHour + 6e8) < 1);
    const use = (await get(`bottlenecks?${win}&instance=a`)).body.data;
    assert.equal(use.top, 'cpu');
    const routes = (await get(`routes?${win}`)).body.data.routes;
    assert.equal(routes[0].severity, 'critical');
    assert.ok(Math.abs(routes[0].errorRate - 3 / 63) < 1e-9);
    const health = (await get(`health?${win}`)).body.data;
    assert.equal(health.parts.length, 3);
    assert.ok(health.score > 0 && health.score < 100 && typeof health.grade === 'string');
    const recs = (await get(`recommendations?${win}`)).body.data.recommendations;
    assert.ok(
      recs.some((r: { kind: string; text: string }) => r.kind === 'capacity' && r.text.includes('/var')),
    );
    assert.ok(recs.some((r: { kind: string }) => r.kind === 'route'));
  });

  it('answers bad input with 400 and a message naming the problem', async () => {
    assert.match((await get('summary')).body.error, /query: required/);
    assert.match((await get('summary?query=x&from=yesterday')).body.error, /from: "yesterday"/);
    assert.match((await get('forecast?query=x&horizon=soon')).body.error, /horizon/);
    const r = await get('summary?query=bad(');
    assert.equal(r.code, 400);
    assert.match(r.body.error, /parse error/);
  });

  it('parses plain selectors only', () => {
    assert.deepEqual(parseSelector('up{job="a", i!~"x.*"}'), [
      { type: '=', name: '__name__', value: 'up' },
      { type: '=', name: 'job', value: 'a' },
      { type: '!~', name: 'i', value: 'x.*' },
    ]);
    assert.equal(parseSelector('rate(up[5m])'), null);
    assert.equal(parseSelector('up + 1'), null);
  });
});
