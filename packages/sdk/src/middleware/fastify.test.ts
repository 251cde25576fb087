import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from '../registry.js';
import { markCache } from './common.js';
import { fastifyMetrics } from './fastify.js';
import { sample } from './test-helpers.js';

class QuotaExceeded extends Error {
  override name = 'QuotaExceeded';
  statusCode = 429;
}

describe('Fastify 5 plugin', () => {
  const reg = new Registry();
  let app: FastifyInstance;
  let base: string;

  before(async () => {
    app = Fastify();
    await app.register(fastifyMetrics, { registry: reg });
    app.get('/users/:id', async (req) => {
      markCache(req, 'hit');
      return { id: (req.params as { id: string }).id };
    });
    await app.register(
      async (child) => {
        child.post('/orders/:order', async (_req, reply) => {
          reply.code(202);
          return 'ok';
        });
        child.get('/quota', async () => {
          throw new QuotaExceeded('slow down');
        });
      },
      { prefix: '/v1' },
    );
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(() => app.close());

  it('labels route templates (with prefixes), status, cache, errors; responses unchanged', async () => {
    assert.deepEqual(await (await fetch(`${base}/users/5`)).json(), { id: '5' });
    assert.equal(await (await fetch(`${base}/v1/orders/1`, { method: 'POST' })).text(), 'ok');
    const q = await fetch(`${base}/v1/quota`);
    assert.equal(q.status, 429);
    assert.equal(((await q.json()) as { message: string }).message, 'slow down');
    assert.equal((await fetch(`${base}/nope`)).status, 404);

    assert.equal(
      await sample(reg, 'http_server_requests_total', {
        method: 'GET',
        route: '/users/:id',
        status_code: '200',
        cache: 'hit',
      }),
      1,
    );
    assert.equal(
      await sample(reg, 'http_server_request_duration_seconds_count', {
        method: 'POST',
        route: '/v1/orders/:order',
        status_code: '202',
      }),
      1,
    );
    assert.equal(
      await sample(reg, 'http_server_requests_total', {
        method: 'GET',
        route: '/v1/quota',
        status_code: '429',
        error: 'QuotaExceeded',
      }),
      1,
    );
    assert.equal(
      await sample(reg, 'http_server_requests_total', {
        method: 'GET',
        route: '<unmatched>',
        status_code: '404',
      }),
      1,
    );
    assert.equal(await sample(reg, 'http_server_active_requests', { method: 'GET' }), 0);
  });
});
