import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { type LiveBackfill, type LivePoint, LiveStream } from './live';

/** A stand-in for the browser's EventSource that the test drives by hand. */
class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static all: FakeEventSource[] = [];
  readyState = 0;
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  private readonly listeners = new Map<string, (ev: { data: string }) => void>();
  constructor(readonly url: string) {
    FakeEventSource.all.push(this);
  }
  addEventListener(name: string, fn: (ev: { data: string }) => void) {
    this.listeners.set(name, fn);
  }
  close() {
    this.readyState = 2;
  }
  emit(name: string, data: unknown) {
    const ev = { data: JSON.stringify(data) };
    if (name === 'message') this.onmessage?.(ev);
    else this.listeners.get(name)?.(ev);
  }
}

const g = globalThis as unknown as { EventSource: unknown; fetch: typeof fetch };
const realFetch = g.fetch;
g.EventSource = FakeEventSource;
const settle = () => new Promise((r) => setTimeout(r, 60));

afterEach(() => {
  FakeEventSource.all = [];
  g.fetch = realFetch;
});

describe('LiveStream (the page’s one live stream)', () => {
  it('opens one stream for all subscribed queries, asking for the gap since the oldest subscriber’s data', async () => {
    const live = new LiveStream();
    live.subscribe('b', { points() {} }, 5000);
    live.subscribe('a', { points() {} }, 3000);
    live.subscribe('a', { points() {} }, 4000);
    await settle();
    assert.equal(FakeEventSource.all.length, 1);
    const url = new URL(FakeEventSource.all[0].url, 'http://x');
    assert.deepEqual(url.searchParams.getAll('query'), ['a', 'b']);
    assert.equal(url.searchParams.get('since'), '3000');
    live.close();
  });

  it('hands backfill and ticks to the subscribers of each query, with labels from the definitions', async () => {
    const live = new LiveStream();
    const got: { a: LivePoint[][]; b: LiveBackfill[][]; errors: string[] } = { a: [], b: [], errors: [] };
    const times: number[] = [];
    live.subscribe('a', {
      points: (t, p) => {
        times.push(t);
        got.a.push([...p]);
      },
    });
    live.subscribe('b', {
      points() {},
      backfill: (s) => got.b.push([...s]),
      error: (m) => got.errors.push(m),
    });
    const statuses: string[] = [];
    live.onStatus((s) => statuses.push(s));
    await settle();
    const es = FakeEventSource.all[0];
    es.onopen?.();
    es.emit('hello', {
      interval: 1000,
      t: 1000,
      q: [
        { n: [[1, { __name__: 'a', x: '1' }]], s: [] },
        { n: [[2, { __name__: 'b' }]], s: [[2, [1000], [5]]] },
      ],
    });
    es.emit('message', { t: 2000, q: [{ n: [], v: [[1, 7]] }, { e: 'parse error' }] });
    es.emit('message', {
      t: 3000,
      q: [
        {
          n: [[3, { __name__: 'a', x: '2' }]],
          v: [
            [1, null],
            [3, 1],
          ],
        },
        { n: [], v: [] },
      ],
    });
    assert.deepEqual(times, [2000, 3000]);
    assert.deepEqual(got.a[0], [
      { key: '__name__\u0000a\u0001x\u00001', labels: { __name__: 'a', x: '1' }, v: 7 },
    ]);
    assert.ok(Number.isNaN(got.a[1][0].v), 'null is a gap');
    assert.deepEqual(got.a[1][1].labels, { __name__: 'a', x: '2' });
    assert.deepEqual(got.b, [[{ key: '__name__\u0000b', labels: { __name__: 'b' }, t: [1000], v: [5] }]]);
    assert.deepEqual(got.errors, ['parse error']);
    assert.deepEqual(statuses, ['idle', 'connecting', 'live']);
    live.close();
  });

  it('says it is reconnecting while the browser retries, and falls back to polling when the server refuses', async () => {
    const asked: string[] = [];
    g.fetch = (async (url: string) => {
      asked.push(url);
      return new Response(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: { __name__: 'a' }, value: [1, '4'] }] },
        }),
      );
    }) as typeof fetch;
    const live = new LiveStream();
    const pts: LivePoint[][] = [];
    live.subscribe('a', { points: (_t, p) => pts.push([...p]) });
    await settle();
    const es = FakeEventSource.all[0];
    es.readyState = FakeEventSource.CONNECTING;
    es.onerror?.();
    assert.equal(live.status, 'reconnecting');
    es.readyState = FakeEventSource.CLOSED;
    es.onerror?.();
    assert.equal(live.status, 'polling');
    await settle();
    assert.match(asked[0], /^\/api\/v1\/query\?query=a&time=\d+/);
    assert.equal(pts[0][0].v, 4);
    live.close();
    assert.equal(live.status, 'idle');
  });
});
