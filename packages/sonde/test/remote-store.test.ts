// sonde reading from real remote stores: data remote-written into
// VictoriaMetrics 1.79 and Prometheus 2.42, then the same PromQL through
// RemoteQueryEngine and through the peer's own API must agree, and
// RemoteStorage's select() must return exactly the raw samples sent.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { remoteStoreSchema } from '../src/config/schema.js';
import { encodeWriteRequest } from '../src/forward/write-request-encoder.js';
import { snappyCompress } from '../src/ingest/snappy.js';
import type { QueryValue } from '../src/query/types.js';
import { createRemoteStore, READ_ONLY_MESSAGE } from '../src/remote-store/index.js';
import { type Peer, startPrometheus, startVictoriaMetrics } from './support/peers.js';

const STEP = 15_000;
const POINTS = 120;
const BASE = Math.floor((Date.now() - 45 * 60_000) / STEP) * STEP;

interface Series {
  labels: Record<string, string>;
  t: number[];
  v: number[];
}

function makeSeries(): Series[] {
  const t = Array.from({ length: POINTS }, (_, i) => BASE + i * STEP);
  return [
    { labels: { __name__: 'rs_requests_total', code: '200', path: '/a' }, t, v: t.map((_, i) => i * 3) },
    // A counter reset halfway.
    {
      labels: { __name__: 'rs_requests_total', code: '500', path: '/a' },
      t,
      v: t.map((_, i) => (i < 60 ? i : i - 60)),
    },
    { labels: { __name__: 'rs_temp', room: 'lab' }, t, v: t.map((_, i) => 20 + Math.sin(i / 7) * 3.25) },
    {
      labels: { __name__: 'rs_temp', room: 'hall' },
      t,
      v: t.map((_, i) => (i === 50 ? Number.POSITIVE_INFINITY : 12.5 - i / 8)),
    },
  ];
}

let dir = '';
const data = makeSeries();

async function load(url: string): Promise<void> {
  const body = snappyCompress(encodeWriteRequest(data));
  const res = await fetch(`${url}/api/v1/write`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-protobuf',
      'Content-Encoding': 'snappy',
      'X-Prometheus-Remote-Write-Version': '0.1.0',
    },
    body,
  });
  assert.ok(res.status < 300, `remote write answered ${res.status}: ${await res.text()}`);
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sonde-remote-store-'));
});
after(async () => rm(dir, { recursive: true, force: true }));

/** The peer's own answer, parsed independently of sonde's converter. */
async function peerAnswer(url: string, path: string, params: Record<string, string>): Promise<unknown> {
  const res = await fetch(`${url}${path}?${new URLSearchParams(params)}`);
  const body = (await res.json()) as { status: string; data: { resultType: string; result: unknown } };
  assert.equal(body.status, 'success', JSON.stringify(body));
  const num = (s: string) =>
    s === '+Inf' ? Infinity : s === '-Inf' ? -Infinity : s === 'NaN' ? Number.NaN : Number(s);
  const point = ([t, v]: [number, string]) => [Math.round(t * 1000), num(v)];
  const sortLabels = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).sort());
  const { resultType, result } = body.data;
  if (resultType === 'scalar' || resultType === 'string') {
    const [t, v] = result as [number, string];
    return { type: resultType, t: Math.round(t * 1000), v: resultType === 'scalar' ? num(v) : v };
  }
  const rows = result as {
    metric: Record<string, string>;
    value?: [number, string];
    values?: [number, string][];
  }[];
  return {
    type: resultType,
    rows: rows
      .map((r) => ({
        labels: sortLabels(r.metric),
        points: r.value ? [point(r.value)] : (r.values ?? []).map(point),
      }))
      .sort((a, b) => JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels))),
  };
}

function normalize(v: QueryValue): unknown {
  const sortLabels = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).sort());
  const sortRows = <T extends { labels: Record<string, string> }>(rows: T[]) =>
    rows.sort((a, b) => JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)));
  switch (v.type) {
    case 'scalar':
    case 'string':
      return { type: v.type, t: v.t, v: v.v };
    case 'vector':
      return {
        type: 'vector',
        rows: sortRows(v.samples.map((s) => ({ labels: sortLabels(s.labels), points: [[s.t, s.v]] }))),
      };
    case 'matrix':
      return {
        type: 'matrix',
        rows: sortRows(
          v.series.map((s) => ({
            labels: sortLabels(s.labels),
            points: [...s.t].map((t, i) => [t, s.v[i]]),
          })),
        ),
      };
  }
}

const AT = BASE + 25 * 60_000;
const INSTANT = [
  'rs_requests_total',
  'rate(rs_requests_total[5m])',
  'sum by (code) (increase(rs_requests_total[10m]))',
  'rs_temp',
  'rs_temp[1m]',
  'scalar(sum(rs_temp{room="lab"}))',
  '1/0',
  '-1/0',
  'vector(0)/0',
  'max_over_time(rs_temp{room="hall"}[30m])',
];
const RANGE = ['rate(rs_requests_total[2m])', 'rs_temp', 'quantile_over_time(0.9, rs_temp[5m])'];

async function checkPeer(peer: Peer, flush?: () => Promise<void>): Promise<void> {
  await load(peer.url);
  await flush?.();
  const store = createRemoteStore(remoteStoreSchema.parse({ url: peer.url }));
  try {
    for (const expr of INSTANT) {
      const mine = normalize(await store.engine.instant(expr, AT));
      const theirs = await peerAnswer(peer.url, '/api/v1/query', { query: expr, time: String(AT / 1000) });
      assert.deepEqual(mine, theirs, expr);
    }
    for (const expr of RANGE) {
      const start = BASE + 5 * 60_000;
      const end = BASE + 25 * 60_000;
      const mine = normalize(await store.engine.range(expr, start, end, 60_000));
      const theirs = await peerAnswer(peer.url, '/api/v1/query_range', {
        query: expr,
        start: String(start / 1000),
        end: String(end / 1000),
        step: '60',
      });
      assert.deepEqual(mine, theirs, expr);
      assert.ok((mine as { rows: unknown[] }).rows.length > 0, `${expr} has data`);
    }

    // select(): the raw samples sent, both ends of the window inclusive.
    const q = store.storage.querier();
    const mint = BASE + 10 * STEP;
    const maxt = BASE + 30 * STEP;
    const got = [...q.select([{ type: '=', name: '__name__', value: 'rs_requests_total' }], mint, maxt)]
      .map((s) => ({ labels: { ...s.labels }, t: [...s.t], v: [...s.v] }))
      .sort((a, b) => a.labels.code.localeCompare(b.labels.code));
    const want = data.slice(0, 2).map((s) => ({
      labels: s.labels,
      t: s.t.slice(10, 31),
      v: s.v.slice(10, 31),
    }));
    assert.deepEqual(got, want);
    const hall = [
      ...q.select([{ type: '=~', name: 'room', value: 'ha.*' }], BASE, BASE + (POINTS - 1) * STEP),
    ];
    assert.equal(hall.length, 1);
    assert.deepEqual([...hall[0].v], data[3].v);
    const onlyLabels = [
      ...q.select([{ type: '=', name: '__name__', value: 'rs_temp' }], BASE, AT, { labelsOnly: true }),
    ];
    assert.deepEqual(onlyLabels.map((s) => s.labels.room).sort(), ['hall', 'lab']);

    assert.deepEqual(q.labelNames([{ type: '=', name: '__name__', value: 'rs_requests_total' }], BASE, AT), [
      '__name__',
      'code',
      'path',
    ]);
    assert.deepEqual(q.labelValues('code', undefined, BASE, AT), ['200', '500']);
    assert.deepEqual(q.labelValues('room', [{ type: '=', name: '__name__', value: 'rs_temp' }], BASE, AT), [
      'hall',
      'lab',
    ]);
    const [r] = [
      ...q.selectRollup([{ type: '=', name: 'code', value: '200' }], BASE + 600_000, BASE + 1_200_000, '1m'),
    ];
    assert.equal(r.resolutionMs, 60_000);
    // BASE is not minute-aligned, so the edge buckets are partial.
    assert.ok(r.t.length >= 10 && r.t.every((t) => t % 60_000 === 0));
    assert.deepEqual([...r.count].slice(1, -1), Array(r.t.length - 2).fill(4));
    assert.deepEqual([...r.increase].slice(1, -1), Array(r.t.length - 2).fill(12));
    assert.deepEqual(
      [...r.last].slice(1, -1),
      [...r.t].slice(1, -1).map((t) => ((t - STEP - BASE) / STEP) * 3),
    );
    q.close();

    // The peer's own complaint, errorType included (VictoriaMetrics writes an
    // HTTP status there, which is not a Prometheus errorType: execution).
    const peerError = (await (
      await fetch(`${peer.url}/api/v1/query?query=sum(&time=${AT / 1000}`)
    ).json()) as {
      errorType: string;
      error: string;
    };
    await assert.rejects(store.engine.instant('sum(', AT), (err: Error & { errorType?: string }) => {
      const known = ['bad_data', 'execution', 'timeout', 'canceled', 'internal'];
      assert.equal(err.errorType, known.includes(peerError.errorType) ? peerError.errorType : 'execution');
      assert.equal(err.message, `remote store: ${peerError.error}`);
      return true;
    });
    const app = store.storage.appender();
    app.append({ __name__: 'x' }, 1, 1);
    await assert.rejects(app.commit(), new RegExp(READ_ONLY_MESSAGE));
  } finally {
    await store.close();
  }
}

describe('remote store: query a real Prometheus-compatible store', () => {
  it('VictoriaMetrics 1.79: same answers as its API; select() returns the raw samples', async () => {
    const vm = await startVictoriaMetrics(join(dir, 'vm'));
    try {
      await checkPeer(vm, async () => void (await fetch(`${vm.url}/internal/force_flush`)));
    } finally {
      await vm.stop();
    }
  });

  it('Prometheus 2.42: same answers as its API; select() returns the raw samples', async () => {
    const prom = await startPrometheus(join(dir, 'prom'));
    try {
      await checkPeer(prom);
    } finally {
      await prom.stop();
    }
  });

  it('sends credentials with both the engine and the storage, and names an unreachable remote', async () => {
    // The fake remote runs in its own thread: RemoteStorage blocks this one while it waits.
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
      const seen = [];
      const server = require('node:http').createServer((req, res) => {
        seen.push(req.method + ' ' + req.url.replace(/\\?.*/, '') + ' ' + req.headers.authorization);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(req.url.startsWith('/prefix/api/v1/labels')
          ? '{"status":"success","data":["b","a"]}'
          : req.url.startsWith('/prefix/api/v1/label/')
            ? '{"status":"success","data":["v"]}'
            : '{"status":"success","data":{"resultType":"scalar","result":[1.5,"+Inf"]}}');
      });
      server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
      parentPort.on('message', () => parentPort.postMessage(seen));`,
      { eval: true, execArgv: [] },
    );
    const [port] = (await once(worker, 'message')) as [number];
    const url = `http://127.0.0.1:${port}/prefix`;
    const store = createRemoteStore(remoteStoreSchema.parse({ url, authorization: { credentials: 't0k' } }));
    try {
      assert.deepEqual(await store.engine.instant('x', 1500), { type: 'scalar', t: 1500, v: Infinity });
      assert.deepEqual(store.storage.querier().labelNames(), ['a', 'b']);
      assert.deepEqual(store.storage.querier().labelValues('job'), ['v']);
      worker.postMessage('seen');
      const [seen] = await once(worker, 'message');
      assert.deepEqual(seen, [
        'POST /prefix/api/v1/query Bearer t0k',
        'POST /prefix/api/v1/labels Bearer t0k',
        'GET /prefix/api/v1/label/job/values Bearer t0k',
      ]);
    } finally {
      await store.close();
      await worker.terminate();
    }
    const gone = createRemoteStore(
      remoteStoreSchema.parse({ url: 'http://127.0.0.1:1', remote_timeout: '2s' }),
    );
    try {
      await assert.rejects(
        gone.engine.instant('up', 0),
        /remote store http:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/,
      );
      assert.throws(
        () => gone.storage.querier().labelNames(),
        /remote store http:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/,
      );
    } finally {
      await gone.close();
    }
  });
});
