// The concurrent-query limit: slots, waiting, refusal with 503 naming the
// limit, and the count of refusals — through the Prometheus API with an
// engine whose queries finish only when the test says so (no timing).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import pino from 'pino';
import { MemoryStorage } from '../storage/index.js';
import type { QueryEngine, QueryValue } from '../query/types.js';
import type { ApiDeps } from './deps.js';
import { prometheusApi } from './prometheus/index.js';
import { QuerySlots, TooManyQueriesError } from './query-slots.js';

/** An engine whose every query stays open until `finishAll`. */
function heldEngine() {
  const open: (() => void)[] = [];
  let started = 0;
  const hold = (): Promise<QueryValue> => {
    started++;
    return new Promise((resolve) => open.push(() => resolve({ type: 'scalar', t: 0, v: 1 })));
  };
  const engine: QueryEngine = { instant: hold, range: hold };
  return {
    engine,
    started: () => started,
    finishOne: () => open.shift()?.(),
    finishAll: () => {
      for (const f of open.splice(0)) f();
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('QuerySlots', () => {
  it('runs up to max at once, hands a freed slot to the first waiter, refuses when none frees in time', async () => {
    const e = heldEngine();
    let refused = 0;
    const slots = new QuerySlots({ max: 2, maxWaitMs: 60_000, onRefused: () => refused++ });
    const results = [1, 2, 3].map(() => slots.run(() => e.engine.instant('1', 0)));
    await tick();
    assert.equal(e.started(), 2);
    assert.deepEqual(slots.stats(), { running: 2, waiting: 1, max: 2 });
    e.finishOne();
    await tick();
    assert.equal(e.started(), 3, 'the waiter got the freed slot');
    assert.deepEqual(slots.stats(), { running: 2, waiting: 0, max: 2 });
    e.finishAll();
    await Promise.all(results);
    assert.deepEqual(slots.stats(), { running: 0, waiting: 0, max: 2 });
    assert.equal(refused, 0);

    const strict = new QuerySlots({ max: 1, maxWaitMs: 0, onRefused: () => refused++ });
    const first = strict.run(() => e.engine.instant('1', 0));
    await assert.rejects(
      strict.run(() => e.engine.instant('1', 0)),
      TooManyQueriesError,
    );
    assert.equal(refused, 1);
    e.finishAll();
    await first;
    await strict.run(async () => 'free again');
  });

  it('a waiter that waited its time is refused and leaves the queue', async () => {
    const e = heldEngine();
    const slots = new QuerySlots({ max: 1, maxWaitMs: 1 });
    const first = slots.run(() => e.engine.instant('1', 0));
    await assert.rejects(
      slots.run(() => e.engine.instant('1', 0)),
      /query.max_queue_wait/,
    );
    assert.deepEqual(slots.stats(), { running: 1, waiting: 0, max: 1 });
    e.finishAll();
    await first;
    assert.deepEqual(slots.stats(), { running: 0, waiting: 0, max: 1 });
  });

  it('the query API answers 503 with Retry-After, naming the limit and its value, and counts it', async () => {
    const e = heldEngine();
    const limited: string[] = [];
    const deps: ApiDeps = {
      config: {} as ApiDeps['config'],
      storage: new MemoryStorage(),
      engine: e.engine,
      logger: pino({ level: 'silent' }),
      startedAt: 0,
      querySlots: new QuerySlots({
        max: 2,
        maxWaitMs: 0,
        onRefused: () => limited.push('query_concurrency'),
      }),
    };
    const app = Fastify();
    await app.register(async (scope) => prometheusApi(scope, deps));
    await app.ready();
    try {
      const running = [
        app.inject({ method: 'GET', url: '/api/v1/query?query=1' }),
        app.inject({ method: 'GET', url: '/api/v1/query_range?query=1&start=0&end=60&step=15' }),
      ];
      while (e.started() < 2) await tick();
      for (const url of ['/api/v1/query?query=1', '/api/v1/query_range?query=1&start=0&end=60&step=15']) {
        const r = await app.inject({ method: 'GET', url });
        assert.equal(r.statusCode, 503, r.body);
        assert.equal(r.headers['retry-after'], '1');
        assert.equal(r.json().errorType, 'unavailable');
        assert.match(
          r.json().error,
          /too many concurrent queries: 2 are running, the limit \(query.max_concurrency\)/,
        );
      }
      assert.deepEqual(limited, ['query_concurrency', 'query_concurrency']);
      e.finishAll();
      for (const r of await Promise.all(running)) assert.equal(r.statusCode, 200, r.body);
      const after = app.inject({ method: 'GET', url: '/api/v1/query?query=1' });
      // The engine holds it again; finish it so the request completes.
      while (e.started() < 3) await tick();
      e.finishAll();
      assert.equal((await after).statusCode, 200);
    } finally {
      e.finishAll();
      await app.close();
    }
  });
});
