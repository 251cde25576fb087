import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Registry } from '../registry.js';
import { markCache, markError } from './common.js';
import { honoMetrics } from './hono.js';
import { sample } from './test-helpers.js';

class PaymentDeclined extends Error {
  override name = 'PaymentDeclined';
}

describe('Hono middleware', () => {
  const reg = new Registry();
  let server: ServerType;
  let base: string;
  const handled: unknown[] = [];

  before(async () => {
    const app = new Hono();
    app.use(honoMetrics({ registry: reg }));
    app.get('/users/:id', (c) => {
      markCache(c, 'miss');
      return c.json({ id: c.req.param('id') });
    });
    app.get('/pay', () => {
      throw new PaymentDeclined('no');
    });
    app.get('/degraded', (c) => {
      markError(c, 'UpstreamDown');
      return c.text('stale', 200);
    });
    app.onError((err, c) => {
      handled.push(err);
      return c.text(`sorry: ${err.message}`, 402);
    });
    await new Promise<void>((r) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => r());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('labels route templates, status, cache and error class; onError still runs', async () => {
    assert.deepEqual(await (await fetch(`${base}/users/4`)).json(), { id: '4' });
    const pay = await fetch(`${base}/pay`);
    assert.equal(pay.status, 402);
    assert.equal(await pay.text(), 'sorry: no');
    assert.ok(handled[0] instanceof PaymentDeclined);
    assert.equal(await (await fetch(`${base}/degraded`)).text(), 'stale');
    assert.equal((await fetch(`${base}/missing`)).status, 404);

    const get = { method: 'GET' };
    assert.equal(
      await sample(reg, 'http_server_requests_total', {
        ...get,
        route: '/users/:id',
        status_code: '200',
        cache: 'miss',
      }),
      1,
    );
    assert.equal(
      await sample(reg, 'http_server_requests_total', {
        ...get,
        route: '/pay',
        status_code: '402',
        error: 'PaymentDeclined',
      }),
      1,
    );
    assert.equal(
      await sample(reg, 'http_server_request_duration_seconds_count', {
        ...get,
        route: '/degraded',
        status_code: '200',
        error: 'UpstreamDown',
      }),
      1,
    );
    assert.equal(
      await sample(reg, 'http_server_requests_total', { ...get, route: '<unmatched>', status_code: '404' }),
      1,
    );
    assert.equal(await sample(reg, 'http_server_active_requests', { method: 'GET' }), 0);
  });
});
