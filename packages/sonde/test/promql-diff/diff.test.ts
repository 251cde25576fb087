// The differential suite: the same generated data in real Prometheus (2.42,
// backfilled with promtool) and in sonde; every query of corpus.promql as
// instant queries at several times and as range queries; the answers must
// agree except for the deliberate differences in DIFFERENCES.md.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createQueryEngine } from '../../src/query/index.js';
import { QueryError } from '../../src/query/types.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorage, openStorage } from '../../src/storage/index.js';
import type { Storage } from '../../src/storage/types.js';
import { type Norm, compare, fromPrometheus, fromSonde } from './compare.js';
import { SPAN_MS, T0, generate, loadInto, toOpenMetrics } from './generate.js';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import type { ApiDeps } from '../../src/api/deps.js';
import { prometheusApi } from '../../src/api/prometheus/index.js';
import { PROMETHEUS_BIN, type RunningPrometheus, promGet, promQuery, startPrometheus } from './prometheus.js';

const corpus = readFileSync(new URL('./corpus.promql', import.meta.url), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

const INSTANTS = [
  T0 + 30 * 60_000 + 7_000,
  T0 + 61 * 60_000,
  T0 + SPAN_MS + 4 * 60_000,
  T0 - 30_000,
  T0 + 97 * 60_000 + 500,
];
const RANGES: [number, number, number][] = [
  [T0 + 5 * 60_000, T0 + SPAN_MS + 10 * 60_000, 5 * 60_000],
  [T0 + 47 * 60_000 + 3_000, T0 + 53 * 60_000, 17_000],
];

/** A value string's notation, without its digits: "f" or "e". */
function valueShape(v: string): string {
  return v.includes('e') ? 'e-notation' : 'f-notation';
}

function closeValues(a: unknown, b: unknown): boolean {
  const xs: number[] = [];
  const ys: number[] = [];
  const collect = (into: number[]) => (_k: string, v: unknown) => {
    if (typeof v === 'string' && /^-?\d/.test(v)) into.push(Number(v));
    return v;
  };
  JSON.stringify(a, collect(xs));
  JSON.stringify(b, collect(ys));
  if (xs.length !== ys.length) return false;
  return xs.every(
    (x, i) => x === ys[i] || Math.abs(x - ys[i]) <= 1e-12 * Math.max(Math.abs(x), Math.abs(ys[i])),
  );
}

async function sondeAnswer(run: () => Promise<import('../../src/query/types.js').QueryValue>): Promise<Norm> {
  try {
    return fromSonde(await run());
  } catch (err) {
    if (err instanceof QueryError) return { error: err.errorType, message: err.message };
    return { error: 'crash', message: String((err as Error).stack ?? err) };
  }
}

describe('PromQL differential test against Prometheus', () => {
  let prom: RunningPrometheus;
  let api: FastifyInstance | undefined;
  let dir = '';
  let embedded: Storage | undefined;
  const memory = new MemoryStorage();
  const engines: [string, ReturnType<typeof createQueryEngine>][] = [];

  before(async () => {
    assert.ok(existsSync(PROMETHEUS_BIN), `${PROMETHEUS_BIN} is needed (Debian package prometheus)`);
    const data = generate();
    await loadInto(memory, data);
    engines.push(['memory', createQueryEngine(memory)]);
    // Range queries cut into one-step slices with the event loop yielded between them
    // (heavy queries are evaluated so): the answers must not change.
    engines.push([
      'memory, sliced',
      createQueryEngine(memory, {
        slices: { firstSteps: 1, sliceMs: 0, finishWithinMs: 0, finishFirstWithinMs: 0, lightWork: 0 },
      }),
    ]);
    // Read ahead for the whole range, then evaluated at once over what was read (a light query's way).
    engines.push([
      'memory, read ahead',
      createQueryEngine(memory, {
        slices: {
          firstSteps: 1,
          sliceMs: 0,
          finishWithinMs: 0,
          finishFirstWithinMs: 0,
          lightWork: Number.POSITIVE_INFINITY,
        },
      }),
    ]);
    // The same data in the embedded store, cut into blocks, read through the same Storage seam.
    dir = await mkdtemp(join(tmpdir(), 'sonde-promdiff-store-'));
    const store = await openStorage({ dir, maintenanceIntervalMs: 0, now: () => T0 + SPAN_MS });
    embedded = store;
    await loadInto(store, data);
    await store.flush();
    engines.push(['embedded', createQueryEngine(store)]);
    prom = await startPrometheus(toOpenMetrics(data));
  });
  after(async () => {
    await api?.close();
    await prom?.stop();
    await embedded?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(`agrees on ${corpus.length} queries`, async () => {
    const failures: string[] = [];
    let checks = 0;
    for (const query of corpus) {
      const ordered = /^(sort|sort_desc)\(/.test(query);
      for (const t of INSTANTS) {
        const p = fromPrometheus(
          await promQuery(prom.url, '/api/v1/query', { query, time: String(t / 1000) }),
        );
        for (const [store, engine] of engines) {
          const s = await sondeAnswer(() => engine.instant(query, t));
          const d = compare(s, p, ordered);
          checks++;
          if (d.length) failures.push(`${store}: instant ${query} @ ${t}: ${d.slice(0, 3).join('; ')}`);
        }
      }
      for (const [start, end, step] of RANGES) {
        const p = fromPrometheus(
          await promQuery(prom.url, '/api/v1/query_range', {
            query,
            start: String(start / 1000),
            end: String(end / 1000),
            step: String(step / 1000),
          }),
        );
        for (const [store, engine] of engines) {
          const s = await sondeAnswer(() => engine.range(query, start, end, step));
          const d = compare(s, p, false);
          checks++;
          if (d.length)
            failures.push(`${store}: range ${query} [${start},${end},${step}]: ${d.slice(0, 3).join('; ')}`);
        }
      }
    }
    assert.ok(checks >= corpus.length * (INSTANTS.length + RANGES.length) * engines.length);
    assert.deepEqual(
      failures,
      [],
      `${failures.length} of ${checks} comparisons differ:\n${failures.join('\n')}`,
    );
  });

  it('answers the HTTP API alike: JSON shapes, label order, value notation, labels and series', async () => {
    const deps = {
      config: {} as ApiDeps['config'],
      storage: memory,
      engine: engines[0][1],
      logger: pino({ level: 'silent' }),
      startedAt: T0,
    } satisfies ApiDeps;
    api = Fastify();
    await api.register(async (scope) => prometheusApi(scope, deps));
    const url = await api.listen({ host: '127.0.0.1', port: 0 });
    const sortResult = (body: { data?: { resultType?: string; result?: unknown } }) => {
      const r = body.data?.result;
      if (Array.isArray(r) && body.data?.resultType !== 'scalar' && body.data?.resultType !== 'string') {
        r.sort((a, b) => (JSON.stringify(a.metric) < JSON.stringify(b.metric) ? -1 : 1));
      }
      return body;
    };
    const failures: string[] = [];
    const s = String(T0 / 1000);
    const e = String((T0 + SPAN_MS) / 1000);
    const requests: [string, Record<string, string>][] = [
      ['/api/v1/labels', { start: s, end: e }],
      ['/api/v1/labels', { 'match[]': 'dt_info' }],
      ['/api/v1/label/__name__/values', { start: s, end: e }],
      ['/api/v1/label/route/values', {}],
      ['/api/v1/series', { 'match[]': 'dt_requests_total{code="500"}', start: s, end: e }],
      ['/api/v1/series', { 'match[]': '{__name__=~"dt_(a|b|info)"}' }],
      ['/api/v1/query_range', { query: 'dt_weird', start: s, end: e, step: '600' }],
      [
        '/api/v1/query_range',
        { query: 'rate(dt_requests_total{job="api"}[5m])', start: s, end: e, step: '15m' },
      ],
    ];
    for (const query of corpus.filter((_, i) => i % 3 === 0)) {
      requests.push(['/api/v1/query', { query, time: String((T0 + 3_600_000 + 123) / 1000) }]);
    }
    for (const [path, params] of requests) {
      const mine = sortResult(await promGet(url, path, params));
      const theirs = sortResult(await promGet(prom.url, path, params));
      if (mine.status === 'error' || theirs.status === 'error') {
        if (mine.status !== theirs.status || mine.errorType !== theirs.errorType)
          failures.push(
            `${path} ${JSON.stringify(params)}: sonde ${mine.errorType} ${mine.error} vs prometheus ${theirs.errorType} ${theirs.error}`,
          );
        continue;
      }
      // Values must be written alike (same notation) and agree within float noise:
      // libm functions (sin, exp, ...) may differ from Go's in the last digit.
      const a = JSON.stringify(mine, (_k, v) =>
        typeof v === 'string' && /^-?\d/.test(v) ? valueShape(v) : v,
      );
      const b = JSON.stringify(theirs, (_k, v) =>
        typeof v === 'string' && /^-?\d/.test(v) ? valueShape(v) : v,
      );
      if (a !== b || !closeValues(mine, theirs))
        failures.push(
          `${path} ${JSON.stringify(params)}:\n  sonde      ${a.slice(0, 300)}\n  prometheus ${b.slice(0, 300)}`,
        );
    }
    assert.deepEqual(failures, [], failures.join('\n'));
  });
});
