// `sonde query` against a running server's API and against a data directory.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import type { ApiDeps } from '../../api/deps.js';
import { prometheusApi } from '../../api/prometheus/index.js';
import { createQueryEngine } from '../../query/index.js';
import { QueryError } from '../../query/types.js';
import { MemoryStorage, openStorage } from '../../storage/index.js';
import { UsageError, render, runQuery } from './query.js';

const NOW = Math.floor(Date.now() / 60_000) * 60_000;

describe('sonde query', () => {
  let app: FastifyInstance;
  let url = '';
  let dir = '';
  before(async () => {
    const storage = new MemoryStorage();
    const a = storage.appender();
    for (let i = 0; i <= 60; i++) {
      a.append({ __name__: 'q_total', job: 'x' }, NOW - 3_600_000 + i * 60_000, i * 60);
      a.append({ __name__: 'q_total', job: 'y,z' }, NOW - 3_600_000 + i * 60_000, i * 120);
    }
    await a.commit();
    const deps = {
      config: {} as ApiDeps['config'],
      storage,
      engine: createQueryEngine(storage),
      logger: pino({ level: 'silent' }),
      startedAt: NOW,
    } satisfies ApiDeps;
    app = Fastify();
    await app.register(async (scope) => prometheusApi(scope, deps));
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    dir = await mkdtemp(join(tmpdir(), 'sonde-query-'));
  });
  after(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers an instant query from a server, as a table, CSV and JSON', async () => {
    const data = await runQuery('sum by (job) (rate(q_total[5m]))', {
      server: url,
      time: String(NOW / 1000),
    });
    assert.equal(data.resultType, 'vector');
    const table = render(data, 'table');
    assert.match(table, /^series\s+time\s+value$/m);
    assert.match(table, /^\{job="x"\}\s+\S+Z\s+1$/m);
    assert.match(table, /^\{job="y,z"\}\s+\S+Z\s+2$/m);
    assert.equal(render(data, 'csv'), `job,timestamp,value\nx,${NOW / 1000},1\n"y,z",${NOW / 1000},2\n`);
    assert.deepEqual(JSON.parse(render(data, 'json')), data);
  });

  it('answers a range query with relative times and a duration step', async () => {
    const data = await runQuery(
      'q_total{job="x"}',
      { server: url, start: '-10m', end: 'now', step: '5m' },
      NOW,
    );
    assert.equal(data.resultType, 'matrix');
    const rows = data.result as { values: [number, string][] }[];
    assert.deepEqual(rows[0].values, [
      [(NOW - 600_000) / 1000, '3000'],
      [(NOW - 300_000) / 1000, '3300'],
      [NOW / 1000, '3600'],
    ]);
  });

  it('reads a data directory directly', async () => {
    const store = await openStorage({ dir, maintenanceIntervalMs: 0 });
    const a = store.appender();
    a.append({ __name__: 'disk_metric', k: 'v' }, NOW - 60_000, 42);
    await a.commit();
    await store.close();
    const data = await runQuery('disk_metric * 2', { dataDir: dir, time: String(NOW / 1000) });
    assert.deepEqual(data.result, [{ metric: { k: 'v' }, value: [NOW / 1000, '84'] }]);
  });

  it('reports bad input clearly', async () => {
    await assert.rejects(runQuery('up', { server: url, time: 'yesterday' }), UsageError);
    await assert.rejects(runQuery('up', { server: url, time: '1', step: '1m' }), /either --time or --start/);
    await assert.rejects(
      runQuery('sum(', { server: url }),
      (err) => err instanceof QueryError && err.errorType === 'bad_data',
    );
  });
});
