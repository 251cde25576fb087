import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { Registry } from '../registry.js';
import { markCache } from './common.js';
import { expressErrorMetrics, expressMetrics } from './express.js';
import { sample } from './test-helpers.js';

class NotFoundInDb extends Error {
  override name = 'NotFoundInDb';
}

describe('Express 5 middleware', () => {
  const reg = new Registry();
  let server: Server;
  let base: string;
  const seenByAppErrorHandler: unknown[] = [];

  before(async () => {
    const app = express();
    app.use(expressMetrics({ registry: reg }));
    app.get('/users/:id', (req, res) => {
      markCache(req, req.params.id === '1' ? 'hit' : 'miss');
      res.json({ id: req.params.id });
    });
    const api = express.Router();
    api.get('/items/:item', (_req, res) => {
      res.status(201).send('item');
    });
    app.use('/api', api);
    app.get('/boom', async () => {
      throw new NotFoundInDb('gone');
    });
    app.use(expressErrorMetrics());
    app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      seenByAppErrorHandler.push(err);
      res.status(418).send(`handled ${err.message}`);
    });
    await new Promise<void>((r) => {
      server = app.listen(0, '127.0.0.1', () => r());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('labels route templates (with router mounts), status, cache; unmatched is <unmatched>', async () => {
    assert.deepEqual(await (await fetch(`${base}/users/1`)).json(), { id: '1' });
    await fetch(`${base}/users/2`).then((r) => r.text());
    await fetch(`${base}/users/3`).then((r) => r.text());
    assert.equal(await (await fetch(`${base}/api/items/9`)).text(), 'item');
    assert.equal((await fetch(`${base}/nowhere`)).status, 404);
    const get = { method: 'GET' };
    assert.equal(
      await sample(reg, 'http_server_requests_total', {
        ...get,
        route: '/users/:id',
        status_code: '200',
        cache: 'hit',
      }),
      1,
    );
    assert.equal(
      await sample(reg, 'http_server_requests_total', {
        ...get,
        route: '/users/:id',
        status_code: '200',
        cache: 'miss',
      }),
      2,
    );
    assert.equal(
      await sample(reg, 'http_server_request_duration_seconds_count', {
        ...get,
        route: '/api/items/:item',
        status_code: '201',
      }),
      1,
    );
    assert.equal(
      await sample(reg, 'http_server_requests_total', { ...get, route: '<unmatched>', status_code: '404' }),
      1,
    );
    assert.equal(await sample(reg, 'http_server_active_requests', { method: 'GET' }), 0);
  });

  it('passes errors on to the app error handler and labels their class', async () => {
    const res = await fetch(`${base}/boom`);
    assert.equal(res.status, 418);
    assert.equal(await res.text(), 'handled gone');
    assert.ok(seenByAppErrorHandler[0] instanceof NotFoundInDb);
    assert.equal(
      await sample(reg, 'http_server_requests_total', {
        method: 'GET',
        route: '/boom',
        status_code: '418',
        error: 'NotFoundInDb',
      }),
      1,
    );
  });
});
