import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { loadConfig } from '../../config/index.js';
import { MemoryStorage } from '../../storage/index.js';
import { storageRoutes } from './index.js';

let dir = '';
let app: FastifyInstance;
let storage: MemoryStorage & { retention?: unknown; setRetention?: (r: unknown, m?: unknown) => void };

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sonde-storage-api-'));
  storage = new MemoryStorage();
  storage.setRetention = (r, m) => {
    storage.retention = { r, m };
  };
  const a = storage.appender();
  for (const job of ['api', 'web'])
    for (let t = 0; t < 5; t++) a.append({ __name__: 'up', job }, t * 1000, 1);
  await a.commit();
  app = Fastify();
  const config = { ...loadConfig({ env: {} }), data_dir: dir };
  await app.register(async (scope) =>
    storageRoutes(storage)(scope, {
      config,
      storage,
      engine: {
        instant: async () => ({ type: 'vector', samples: [] }),
        range: async () => ({ type: 'matrix', series: [] }),
      },
      logger: pino({ level: 'silent' }),
      startedAt: 0,
    }),
  );
});
after(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

describe('storage routes', () => {
  it('serves statistics', async () => {
    const r = await app.inject('/api/sonde/v1/storage');
    assert.equal(r.json().status, 'success');
    assert.equal(r.json().data.series, 2);
  });

  it('deletes matching series in a range and audits it', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/sonde/v1/storage/delete',
      payload: { match: 'up{job="web"}' },
    });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.json().data, { series: 1 });
    assert.equal(storage.stats().series, 1);
    const log = await readFile(join(dir, 'audit.log'), 'utf8');
    assert.match(log, /"action":"storage\.delete".*"selectors":\["up\{job=\\"web\\"\}"\]/);
  });

  it('answers Prometheus delete_series with 204 and refuses a missing or bad match[]', async () => {
    const ok = await app.inject({ method: 'POST', url: '/api/v1/admin/tsdb/delete_series?match[]=up&end=2' });
    assert.equal(ok.statusCode, 204);
    const none = await app.inject({ method: 'POST', url: '/api/v1/admin/tsdb/delete_series' });
    assert.equal(none.statusCode, 400);
    assert.match(none.json().message ?? none.body, /match\[\] is required/);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/sonde/v1/storage/delete',
      payload: { match: 'sum(up)' },
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /is not a series selector/);
  });

  it('changes retention without a restart, validating values', async () => {
    const r = await app.inject({
      method: 'PUT',
      url: '/api/sonde/v1/storage/retention',
      payload: { raw: 86_400_000 },
    });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(storage.retention, { r: { raw: 86_400_000 }, m: undefined });
    const bad = await app.inject({
      method: 'PUT',
      url: '/api/sonde/v1/storage/retention',
      payload: { raw: -1 },
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /raw must be a positive number/);
  });
});
