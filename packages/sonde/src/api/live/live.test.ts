import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import type { ApiDeps } from '../deps.js';
import { QueryError, type QueryEngine, type QueryValue } from '../../query/types.js';
import { MemoryStorage } from '../../storage/index.js';
import { createLiveRoutes } from './index.js';
import { type SseEvent, readSse } from './sse-reader.js';

const INTERVAL = 100;

/** A stand-in engine: an expression is a metric name; the value is the latest sample within 5 s. */
interface Calls {
  instant: number;
  range: number;
  perTick: Map<string, number>;
}

function fakeEngine(storage: MemoryStorage, calls: Calls): QueryEngine {
  const latest = (name: string, t: number) => {
    const q = storage.querier();
    const out = [];
    for (const s of q.select([{ type: '=', name: '__name__', value: name }], t - 5000, t)) {
      if (s.t.length) out.push({ labels: s.labels, t: s.t[s.t.length - 1], v: s.v[s.v.length - 1] });
    }
    return out;
  };
  return {
    async instant(expr, t): Promise<QueryValue> {
      calls.instant++;
      const k = `${expr}@${t}`;
      calls.perTick.set(k, (calls.perTick.get(k) ?? 0) + 1);
      if (expr.includes('(')) throw new QueryError(`parse error in ${expr}`, 'bad_data');
      return { type: 'vector', samples: latest(expr, t).map((s) => ({ labels: s.labels, t, v: s.v })) };
    },
    async range(expr, start, end, step): Promise<QueryValue> {
      calls.range++;
      const bySeries = new Map<string, { labels: Record<string, string>; t: number[]; v: number[] }>();
      for (let t = start; t <= end; t += step) {
        for (const s of latest(expr, t)) {
          const key = JSON.stringify(s.labels);
          let e = bySeries.get(key);
          if (!e) bySeries.set(key, (e = { labels: s.labels, t: [], v: [] }));
          e.t.push(t);
          e.v.push(s.v);
        }
      }
      return {
        type: 'matrix',
        series: [...bySeries.values()].map((e) => ({
          labels: e.labels,
          t: Float64Array.from(e.t),
          v: Float64Array.from(e.v),
        })),
      };
    },
  };
}

interface Tick {
  t: number;
  q: ({ n: [number, Record<string, string>][]; v: [number, number | null][] } | { e: string })[];
}

async function open(url: string, headers: Record<string, string> = {}) {
  const ac = new AbortController();
  const res = await fetch(url, { signal: ac.signal, headers });
  const events = res.body ? readSse(res.body) : null;
  const next = async (): Promise<SseEvent> => {
    const r = await events!.next();
    assert.ok(!r.done, 'stream ended');
    return r.value;
  };
  return { res, next, close: () => ac.abort() };
}

describe('live stream (SSE)', () => {
  let app: FastifyInstance;
  let base: string;
  let storage: MemoryStorage;
  let writer: NodeJS.Timeout;
  const calls: Calls = { instant: 0, range: 0, perTick: new Map() };
  let live: ReturnType<typeof createLiveRoutes>;
  /** Waits until streams of earlier tests are gone (their close reaches the server asynchronously). */
  const drained = async () => {
    while (live.stats!().streams > 0) await new Promise((r) => setTimeout(r, 20));
  };

  before(async () => {
    storage = new MemoryStorage();
    const start = Date.now() - 20_000;
    const app0 = storage.appender();
    // 20 s of history at 100 ms, then live appends.
    for (let t = start; t < Date.now(); t += INTERVAL) {
      app0.append({ __name__: 'node_load1' }, t, (t - start) / 1000);
      app0.append({ __name__: 'cpu', cpu: '0' }, t, 1);
      app0.append({ __name__: 'cpu', cpu: '1' }, t, 2);
    }
    await app0.commit();
    writer = setInterval(async () => {
      const a = storage.appender();
      const t = Date.now();
      a.append({ __name__: 'node_load1' }, t, (t - start) / 1000);
      a.append({ __name__: 'cpu', cpu: '0' }, t, 1);
      a.append({ __name__: 'cpu', cpu: '1' }, t, 2);
      await a.commit();
    }, 50);
    const deps = {
      config: {} as ApiDeps['config'],
      storage,
      engine: fakeEngine(storage, calls),
      logger: pino({ level: 'silent' }),
      startedAt: Date.now(),
    } satisfies ApiDeps;
    app = Fastify();
    live = createLiveRoutes({ intervalMs: INTERVAL, maxStreams: 60, maxBackfillMs: 5000, fanOutSlice: 7 });
    await app.register(async (scope) => live(scope, deps));
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });

  after(async () => {
    clearInterval(writer);
    await app.close();
  });

  it('rejects a stream without queries, or with too many', async () => {
    const r = await fetch(`${base}/api/sonde/v1/live`);
    assert.equal(r.status, 400);
    assert.equal(((await r.json()) as { errorType: string }).errorType, 'bad_data');
    const many = Array.from({ length: 33 }, (_, i) => `query=m${i}`).join('&');
    assert.equal((await fetch(`${base}/api/sonde/v1/live?${many}`)).status, 400);
  });

  it('opens with a hello, then pushes every query’s new points each tick with the tick as id', async () => {
    const s = await open(`${base}/api/sonde/v1/live?query=node_load1&query=cpu`);
    assert.equal(s.res.status, 200);
    assert.match(s.res.headers.get('content-type')!, /^text\/event-stream/);
    const hello = await s.next();
    assert.equal(hello.event, 'hello');
    assert.equal(JSON.parse(hello.data).interval, INTERVAL);
    const known = new Map<number, Record<string, string>>();
    for (const q of JSON.parse(hello.data).q) for (const [id, labels] of q.n) known.set(id, labels);
    let prevT = 0;
    for (let i = 0; i < 3; i++) {
      const ev = await s.next();
      assert.equal(ev.event, 'message');
      const tick = JSON.parse(ev.data) as Tick;
      assert.equal(ev.id, String(tick.t));
      assert.equal(tick.t % INTERVAL, 0);
      assert.ok(tick.t > prevT);
      prevT = tick.t;
      assert.equal(tick.q.length, 2);
      for (const q of tick.q) {
        assert.ok('v' in q);
        for (const [id, labels] of q.n) known.set(id, labels);
      }
      const [load, cpu] = tick.q as { v: [number, number][] }[];
      assert.equal(load.v.length, 1);
      assert.deepEqual(known.get(load.v[0][0]), { __name__: 'node_load1' });
      assert.deepEqual(cpu.v.map(([id, v]) => [known.get(id)!.cpu, v]).sort(), [
        ['0', 1],
        ['1', 2],
      ]);
    }
    s.close();
  });

  it('fills the gap after Last-Event-ID (or since) with columnar points, then goes on live', async () => {
    const since = Math.floor((Date.now() - 2000) / INTERVAL) * INTERVAL;
    for (const [url, headers] of [
      [`${base}/api/sonde/v1/live?query=node_load1`, { 'last-event-id': String(since) }],
      [`${base}/api/sonde/v1/live?query=node_load1&since=${since}`, {}],
    ] as const) {
      const s = await open(url, headers);
      const hello = JSON.parse((await s.next()).data);
      const [q] = hello.q;
      assert.equal(q.s.length, 1);
      const [id, ts, vs] = q.s[0];
      assert.deepEqual(q.n.find((d: [number, unknown]) => d[0] === id)[1], { __name__: 'node_load1' });
      assert.equal(ts[0], since + INTERVAL, 'the gap starts right after the last point seen');
      assert.ok(ts.length >= 15 && ts.length === vs.length, `got ${ts.length} points`);
      for (let i = 1; i < ts.length; i++) assert.equal(ts[i] - ts[i - 1], INTERVAL);
      // The first live tick follows the backfill without a hole or a repeat.
      let ev = await s.next();
      while (ev.event === 'hello') {
        const more = JSON.parse(ev.data).q[0].s;
        if (more.length) ts.push(...more[0][1]);
        ev = await s.next();
      }
      assert.equal(Number(ev.id), ts[ts.length - 1] + INTERVAL);
      s.close();
    }
  });

  it('evaluates a query once per tick however many streams watch it', async () => {
    await drained();
    const streams = await Promise.all(
      Array.from({ length: 40 }, () => open(`${base}/api/sonde/v1/live?query=node_load1`)),
    );
    const ticks = new Set<number>();
    for (const s of streams) {
      await s.next(); // hello
      for (let i = 0; i < 3; i++) ticks.add((JSON.parse((await s.next()).data) as Tick).t);
    }
    for (const s of streams) s.close();
    // Every tick any stream saw was evaluated exactly once for all 40.
    for (const t of ticks) assert.equal(calls.perTick.get(`node_load1@${t}`), 1, `tick ${t}`);
  });

  it('sends every stream each tick once and in order, whatever query set it watches', async () => {
    await drained();
    // Two query sets (one message built per set per tick), written 7 streams per turn of the loop.
    const streams = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        open(`${base}/api/sonde/v1/live?query=node_load1${i % 2 ? '&query=cpu' : ''}`),
      ),
    );
    for (const [i, s] of streams.entries()) {
      await s.next(); // hello
      let prev = 0;
      for (let k = 0; k < 4; k++) {
        const tick = JSON.parse((await s.next()).data) as Tick;
        assert.ok(tick.t > prev, `stream ${i}: tick ${tick.t} after ${prev}`);
        prev = tick.t;
        assert.equal(tick.q.length, i % 2 ? 2 : 1);
        const load = tick.q[0] as { v: [number, number][] };
        assert.equal(load.v.length, 1, `stream ${i} at ${tick.t}`);
      }
    }
    for (const s of streams) s.close();
  });

  it('reports a bad query in its own slot and keeps the others live', async () => {
    const s = await open(`${base}/api/sonde/v1/live?query=${encodeURIComponent('rate(')}&query=node_load1`);
    await s.next();
    const tick = JSON.parse((await s.next()).data) as Tick;
    assert.match((tick.q[0] as { e: string }).e, /parse error/);
    assert.equal((tick.q[1] as { v: unknown[] }).v.length, 1);
    s.close();
  });

  it('refuses streams beyond the limit with 503 and Retry-After', async () => {
    await drained();
    const streams = await Promise.all(
      Array.from({ length: 60 }, () => open(`${base}/api/sonde/v1/live?query=cpu`)),
    );
    await Promise.all(streams.map((s) => s.next()));
    const r = await fetch(`${base}/api/sonde/v1/live?query=cpu`);
    assert.equal(r.status, 503);
    assert.equal(r.headers.get('retry-after'), '5');
    for (const s of streams) s.close();
  });

  it('ends open streams when the server closes', async () => {
    const app2 = Fastify();
    const live = createLiveRoutes({ intervalMs: INTERVAL });
    const deps = {
      config: {} as ApiDeps['config'],
      storage,
      engine: fakeEngine(storage, { instant: 0, range: 0, perTick: new Map() }),
      logger: pino({ level: 'silent' }),
      startedAt: Date.now(),
    };
    await app2.register(async (scope) => live(scope, deps));
    const url = await app2.listen({ host: '127.0.0.1', port: 0 });
    const res = await fetch(`${url}/api/sonde/v1/live?query=cpu`);
    const events = readSse(res.body!);
    await events.next();
    const closed = app2.close();
    let ended = false;
    for await (const _ of events) {
      // drain
    }
    ended = true;
    await closed;
    assert.ok(ended);
  });
});
