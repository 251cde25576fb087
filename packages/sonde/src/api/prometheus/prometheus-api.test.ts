// The Prometheus HTTP API against a MemoryStorage: the requests Grafana's
// Prometheus data source sends, the JSON shapes, and Prometheus's errors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { createQueryEngine } from '../../query/index.js';
import { MemoryStorage } from '../../storage/index.js';
import type { ApiDeps } from '../deps.js';
import { prometheusApi } from './index.js';

const T0 = 1_700_000_000_000;

describe('Prometheus HTTP API', () => {
  let app: FastifyInstance;
  before(async () => {
    const storage = new MemoryStorage();
    const a = storage.appender();
    for (let i = 0; i <= 120; i++) {
      const t = T0 + i * 15_000;
      a.append({ __name__: 'http_requests_total', job: 'api', code: '200' }, t, i * 10);
      a.append({ __name__: 'http_requests_total', job: 'api', code: '500' }, t, i);
      a.append({ __name__: 'up', job: 'api' }, t, 1);
    }
    await a.commit();
    storage.setMetadata('http_requests_total', { type: 'counter', help: 'Requests.', unit: '' });
    const deps = {
      config: {} as ApiDeps['config'],
      storage,
      engine: createQueryEngine(storage),
      logger: pino({ level: 'silent' }),
      startedAt: T0,
    } satisfies ApiDeps;
    app = Fastify();
    await app.register(async (scope) => prometheusApi(scope, deps));
    await app.ready();
  });
  after(() => app.close());

  const get = async (url: string) => {
    const r = await app.inject({ method: 'GET', url });
    return { status: r.statusCode, body: r.json() };
  };
  const post = async (url: string, form: Record<string, string>) => {
    const r = await app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(form).toString(),
    });
    return { status: r.statusCode, body: r.json() };
  };

  it('answers the data source health check (1+1 at a time)', async () => {
    const r = await get(`/api/v1/query?query=1%2B1&time=${T0 / 1000 + 60}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, {
      status: 'success',
      data: { resultType: 'scalar', result: [T0 / 1000 + 60, '2'] },
    });
  });

  it('answers an instant vector query with Prometheus shapes', async () => {
    const r = await get(
      `/api/v1/query?query=${encodeURIComponent('sum by (code) (rate(http_requests_total[1m]))')}&time=${T0 / 1000 + 600}`,
    );
    assert.equal(r.status, 200);
    assert.equal(r.body.data.resultType, 'vector');
    assert.deepEqual(
      r.body.data.result.map((s: { metric: unknown; value: [number, string] }) => [s.metric, s.value]),
      [
        [{ code: '200' }, [T0 / 1000 + 600, '0.6666666666666666']],
        [{ code: '500' }, [T0 / 1000 + 600, '0.06666666666666667']],
      ],
    );
  });

  it('answers a form-encoded POST query_range with step in seconds or as a duration', async () => {
    for (const step of ['60', '1m']) {
      const r = await post('/api/v1/query_range', {
        query: 'up',
        start: String(T0 / 1000),
        end: String(T0 / 1000 + 300),
        step,
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.data.resultType, 'matrix');
      assert.deepEqual(r.body.data.result[0].metric, { __name__: 'up', job: 'api' });
      assert.equal(r.body.data.result[0].values.length, 6);
      assert.deepEqual(r.body.data.result[0].values[1], [T0 / 1000 + 60, '1']);
    }
  });

  it('lists labels, label values and series with start/end and match[]', async () => {
    const s = T0 / 1000;
    const labels = await get(`/api/v1/labels?start=${s}&end=${s + 600}`);
    assert.deepEqual(labels.body.data, ['__name__', 'code', 'job']);
    const names = await get(`/api/v1/label/__name__/values?start=${s}&end=${s + 600}`);
    assert.deepEqual(names.body.data, ['http_requests_total', 'up']);
    const codes = await get(
      `/api/v1/label/code/values?match[]=${encodeURIComponent('http_requests_total{code=~"5.."}')}`,
    );
    assert.deepEqual(codes.body.data, ['500']);
    const series = await get(
      `/api/v1/series?match[]=up&match[]=${encodeURIComponent('{code="500"}')}&start=${s}&end=${s + 60}`,
    );
    assert.deepEqual(series.body.data, [
      { __name__: 'http_requests_total', code: '500', job: 'api' },
      { __name__: 'up', job: 'api' },
    ]);
    const none = await post('/api/v1/series', {});
    assert.equal(none.status, 400);
    assert.equal(none.body.error, 'no match[] parameter provided');
  });

  it('serves metadata, buildinfo, runtimeinfo, exemplars and format_query', async () => {
    const meta = await get('/api/v1/metadata');
    assert.deepEqual(meta.body.data, {
      http_requests_total: [{ type: 'counter', help: 'Requests.', unit: '' }],
    });
    const build = await get('/api/v1/status/buildinfo');
    assert.match(build.body.data.version, /^2\.\d+\.\d+$/);
    const rt = await get('/api/v1/status/runtimeinfo');
    assert.equal(rt.body.status, 'success');
    assert.equal(rt.body.data.startTime, new Date(T0).toISOString());
    const ex = await get('/api/v1/query_exemplars?query=up&start=0&end=1');
    assert.deepEqual(ex.body, { status: 'success', data: [] });
    const f = await get(`/api/v1/format_query?query=${encodeURIComponent('sum(rate(x{a="b"}[5m]))by(c)')}`);
    assert.equal(f.body.data, 'sum by (c) (rate(x{a="b"}[5m]))');
  });

  it('answers errors with Prometheus status codes and errorTypes', async () => {
    const parse = await get('/api/v1/query?query=sum(');
    assert.equal(parse.status, 400);
    assert.equal(parse.body.errorType, 'bad_data');
    assert.equal(parse.body.error, 'invalid parameter "query": 1:5: parse error: unclosed left parenthesis');
    const badTime = await get('/api/v1/query?query=up&time=yesterday');
    assert.equal(badTime.status, 400);
    assert.equal(
      badTime.body.error,
      'invalid parameter "time": cannot parse "yesterday" to a valid timestamp',
    );
    const badStep = await get('/api/v1/query_range?query=up&start=0&end=100&step=0');
    assert.equal(badStep.status, 400);
    assert.match(badStep.body.error, /zero or negative query resolution step/);
    const tooMany = await get('/api/v1/query_range?query=up&start=0&end=100000&step=1');
    assert.equal(tooMany.status, 400);
    assert.match(tooMany.body.error, /exceeded maximum resolution of 11,000 points/);
    const exec = await get(
      `/api/v1/query?query=${encodeURIComponent('http_requests_total + on() up')}&time=${T0 / 1000 + 60}`,
    );
    assert.equal(exec.status, 422);
    assert.equal(exec.body.errorType, 'execution');
    const rangeType = await get('/api/v1/query_range?query=up[5m]&start=0&end=100&step=10');
    assert.equal(rangeType.status, 400);
    assert.match(rangeType.body.error, /invalid expression type "range vector" for range query/);
  });
});
