// sonde's own Prometheus HTTP API served from a remote VictoriaMetrics: the
// API plugin gets RemoteQueryEngine and RemoteStorage as its engine and
// store, and answers what VictoriaMetrics itself answers.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { prometheusApi } from '../src/api/prometheus/index.js';
import { configSchema, remoteStoreSchema } from '../src/config/schema.js';
import { encodeWriteRequest } from '../src/forward/write-request-encoder.js';
import { snappyCompress } from '../src/ingest/snappy.js';
import { createRemoteStore, RemoteStorage } from '../src/remote-store/index.js';
import { type Peer, startVictoriaMetrics } from './support/peers.js';

const BASE = Math.floor((Date.now() - 20 * 60_000) / 10_000) * 10_000;
const t = Array.from({ length: 60 }, (_, i) => BASE + i * 10_000);
const DATA = ['web-1', 'web-2', 'db-1'].map((instance, k) => ({
  labels: { __name__: 'fleet_cpu_seconds_total', job: instance.split('-')[0], instance },
  t,
  v: t.map((_, i) => i * (k + 1) * 0.5),
}));

let dir = '';
let vm: Peer;
let app: FastifyInstance;
let store: ReturnType<typeof createRemoteStore>;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sonde-remote-api-'));
  vm = await startVictoriaMetrics(join(dir, 'vm'));
  const res = await fetch(`${vm.url}/api/v1/write`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy' },
    body: snappyCompress(encodeWriteRequest(DATA)),
  });
  assert.ok(res.ok);
  await fetch(`${vm.url}/internal/force_flush`);
  store = createRemoteStore(remoteStoreSchema.parse({ url: vm.url }));
  app = Fastify();
  await app.register(async (scope) =>
    prometheusApi(scope, {
      config: configSchema.parse({}),
      storage: store.storage,
      engine: store.engine,
      logger: pino({ level: 'silent' }),
      startedAt: Date.now(),
    }),
  );
});

after(async () => {
  await app?.close();
  await store?.close();
  await vm?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** `data` with sample values as numbers, so "1e+06" and "1000000" compare equal. */
function normalize(data: unknown): unknown {
  return JSON.parse(JSON.stringify(data), (_k, v) =>
    typeof v === 'string' && /^-?[\d.]+(e[+-]?\d+)?$/.test(v) ? Number(v) : v,
  );
}

async function both(path: string, params: Record<string, string | string[]>) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of [v].flat()) q.append(k, x);
  const mine = await app.inject({ url: `${path}?${q}` });
  assert.equal(mine.statusCode, 200, mine.body);
  const theirs = (await (await fetch(`${vm.url}${path}?${q}`)).json()) as { data: unknown };
  return { mine: normalize(mine.json().data), theirs: normalize(theirs.data) };
}

describe('sonde API over a remote VictoriaMetrics', () => {
  it('answers query and query_range like the remote', async () => {
    const at = String((BASE + 9 * 60_000) / 1000);
    for (const query of ['fleet_cpu_seconds_total', 'sum by (job) (rate(fleet_cpu_seconds_total[2m]))']) {
      const { mine, theirs } = await both('/api/v1/query', { query, time: at });
      assert.deepEqual(mine, theirs, query);
    }
    const { mine, theirs } = await both('/api/v1/query_range', {
      query: 'topk(2, rate(fleet_cpu_seconds_total[1m]))',
      start: String(BASE / 1000 + 120),
      end: String(BASE / 1000 + 540),
      step: '30',
    });
    assert.deepEqual(mine, theirs);
    assert.equal((mine as { result: unknown[] }).result.length, 2);
  });

  it('answers series, labels and label values from the remote', async () => {
    const window = { start: String(BASE / 1000), end: String(BASE / 1000 + 600) };
    const series = await app.inject({
      url: `/api/v1/series?match[]=fleet_cpu_seconds_total{job="web"}&start=${window.start}&end=${window.end}`,
    });
    assert.deepEqual(series.json().data, [
      { __name__: 'fleet_cpu_seconds_total', instance: 'web-1', job: 'web' },
      { __name__: 'fleet_cpu_seconds_total', instance: 'web-2', job: 'web' },
    ]);
    // Without a window: Prometheus's "all time" defaults reach the remote as a window it accepts.
    const all = await app.inject({ url: '/api/v1/series?match[]=fleet_cpu_seconds_total' });
    assert.equal(all.json().data.length, 3);
    const labels = await both('/api/v1/labels', { 'match[]': 'fleet_cpu_seconds_total', ...window });
    assert.deepEqual(labels.mine, ['__name__', 'instance', 'job']);
    assert.deepEqual(labels.mine, labels.theirs);
    const values = await both('/api/v1/label/instance/values', { 'match[]': '{job="web"}', ...window });
    assert.deepEqual(values.mine, ['web-1', 'web-2']);
    assert.deepEqual(values.mine, values.theirs);
    const noWindow = await app.inject({ url: '/api/v1/label/job/values' });
    assert.deepEqual(noWindow.json().data, ['db', 'web']);
  });

  it('finds "all time" series whatever UTC day the window ends on', async () => {
    // VictoriaMetrics takes a start at or before 1970 as none and searches the
    // day of end − 5 min; a clock a day ahead puts that on a day without data.
    const ahead = new RemoteStorage(remoteStoreSchema.parse({ url: vm.url }), () => Date.now() + 86_400_000);
    try {
      const querier = ahead.querier();
      const all = querier.select(
        [{ type: '=', name: '__name__', value: 'fleet_cpu_seconds_total' }],
        -Infinity,
        Infinity,
        {
          labelsOnly: true,
        },
      );
      assert.deepEqual(all.map((s) => s.labels.instance).sort(), ['db-1', 'web-1', 'web-2']);
      querier.close();
    } finally {
      await ahead.close();
    }
  });
});
