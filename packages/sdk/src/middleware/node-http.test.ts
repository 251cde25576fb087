import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Registry } from '../registry.js';
import { markCache, markError, setRoute } from './common.js';
import { instrument } from './node-http.js';
import { sample } from './test-helpers.js';

describe('node:http middleware', () => {
  const reg = new Registry();
  let server: Server;
  let base: string;

  before(async () => {
    server = createServer(
      instrument(
        (req, res) => {
          if (req.url?.startsWith('/users/')) {
            setRoute(req, '/users/:id');
            markCache(req, 'hit');
            res.setHeader('x-mine', '1');
            res.end('user');
          } else if (req.url === '/slow-fail') {
            setRoute(req, '/slow-fail');
            markError(req, 'UpstreamTimeout');
            res.statusCode = 504;
            res.end('timeout');
          } else if (req.url === '/throw') {
            res.statusCode = 500;
            res.end('x');
            throw new RangeError('sync');
          } else {
            res.statusCode = 404;
            res.end('no');
          }
        },
        { registry: reg },
      ),
    );
    server.on('error', () => {});
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('records route, status, cache and error labels without changing the response', async () => {
    for (const id of [1, 2, 3]) {
      const res = await fetch(`${base}/users/${id}`);
      assert.equal(await res.text(), 'user');
      assert.equal(res.headers.get('x-mine'), '1');
    }
    assert.equal((await fetch(`${base}/slow-fail`)).status, 504);
    assert.equal((await fetch(`${base}/missing`)).status, 404);
    const common = { method: 'GET' };
    assert.equal(
      await sample(reg, 'http_server_requests_total', {
        ...common,
        route: '/users/:id',
        status_code: '200',
        cache: 'hit',
      }),
      3,
    );
    assert.equal(
      await sample(reg, 'http_server_request_duration_seconds_count', {
        ...common,
        route: '/users/:id',
        status_code: '200',
        cache: 'hit',
      }),
      3,
    );
    assert.equal(
      await sample(reg, 'http_server_requests_total', {
        ...common,
        route: '/slow-fail',
        status_code: '504',
        error: 'UpstreamTimeout',
      }),
      1,
    );
    assert.equal(
      await sample(reg, 'http_server_requests_total', {
        ...common,
        route: '<unmatched>',
        status_code: '404',
      }),
      1,
    );
    assert.equal(await sample(reg, 'http_server_active_requests', { method: 'GET' }), 0);
  });

  it('lets thrown errors and rejections through (never swallowed)', async () => {
    const r2 = new Registry();
    const caught: unknown[] = [];
    const wrappedSync = instrument(
      (_req, res) => {
        res.statusCode = 500;
        res.end('x');
        throw new RangeError('sync');
      },
      { registry: r2 },
    );
    const wrappedAsync = instrument(
      async (_req, res) => {
        res.statusCode = 503;
        res.end('y');
        throw new TypeError('async');
      },
      { registry: r2 },
    );
    const outer = createServer((req, res) => {
      try {
        const out = (req.url === '/a' ? wrappedAsync : wrappedSync)(req, res) as Promise<unknown> | undefined;
        out?.catch((e: unknown) => caught.push(e));
      } catch (e) {
        caught.push(e);
      }
    });
    await new Promise<void>((r) => outer.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(outer.address() as AddressInfo).port}`;
    assert.equal(await (await fetch(`${url}/s`)).text(), 'x');
    assert.equal(await (await fetch(`${url}/a`)).text(), 'y');
    await new Promise<void>((r) => outer.close(() => r()));
    assert.ok(caught[0] instanceof RangeError);
    assert.ok(caught[1] instanceof TypeError);
    const labels = { method: 'GET', route: '<unmatched>' };
    assert.equal(
      await sample(r2, 'http_server_requests_total', { ...labels, status_code: '500', error: 'RangeError' }),
      1,
    );
    assert.equal(
      await sample(r2, 'http_server_requests_total', { ...labels, status_code: '503', error: 'TypeError' }),
      1,
    );
  });
});
