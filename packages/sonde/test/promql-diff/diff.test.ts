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
import { PROMETHEUS_BIN, type RunningPrometheus, promQuery, startPrometheus } from './prometheus.js';

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
  let dir = '';
  let embedded: Storage | undefined;
  const memory = new MemoryStorage();
  const engines: [string, ReturnType<typeof createQueryEngine>][] = [];

  before(async () => {
    assert.ok(existsSync(PROMETHEUS_BIN), `${PROMETHEUS_BIN} is needed (Debian package prometheus)`);
    const data = generate();
    await loadInto(memory, data);
    engines.push(['memory', createQueryEngine(memory)]);
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
          if (d.length) failures.push(`${store}: range ${query} [${start},${end},${step}]: ${d.slice(0, 3).join('; ')}`);
        }
      }
    }
    assert.ok(checks >= corpus.length * 7 * engines.length);
    assert.deepEqual(
      failures,
      [],
      `${failures.length} of ${checks} comparisons differ:\n${failures.join('\n')}`,
    );
  });
});
