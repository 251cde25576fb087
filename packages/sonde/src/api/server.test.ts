import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../config/index.js';
import { MemoryStorage } from '../storage/index.js';
import { createApiServer } from './server.js';

async function server(ready: boolean, flags: Record<string, unknown> = {}) {
  const config = loadConfig({ env: {} });
  return createApiServer({
    deps: {
      config: { ...config, limits: { ...config.limits, ...flags } },
      storage: new MemoryStorage(),
      engine: {
        instant: async () => ({ type: 'vector', samples: [] }),
        range: async () => ({ type: 'matrix', series: [] }),
      },
      logger: pino({ level: 'silent' }),
      startedAt: Date.now(),
    },
    plugins: [
      (app) => {
        app.get('/api/v1/boom', async () => {
          throw new Error('kaput');
        });
        app.post('/api/v1/echo', async (req) => req.body);
      },
    ],
    isReady: () => ready,
    selfMetrics: async () => ({ contentType: 'text/plain; version=0.0.4', body: 'up 1\n' }),
    dashboardDir: null,
  });
}

describe('api server', () => {
  it('answers health, readiness and /metrics', async () => {
    const app = await server(false);
    assert.equal((await app.inject('/-/healthy')).statusCode, 200);
    assert.equal((await app.inject('/-/ready')).statusCode, 503);
    const metrics = await app.inject('/metrics');
    assert.equal(metrics.body, 'up 1\n');
    assert.match(String(metrics.headers['content-type']), /version=0\.0\.4/);
    await app.close();
    const ready = await server(true);
    assert.equal((await ready.inject('/-/ready')).statusCode, 200);
    await ready.close();
  });

  it('puts a CSP without inline scripts and no-framing on HTML, and opens no CORS', async () => {
    const app = await server(true);
    const page = await app.inject({ url: '/', headers: { origin: 'https://evil.example' } });
    assert.equal(page.statusCode, 200);
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(page.headers['x-frame-options'], 'DENY');
    assert.equal(page.headers['access-control-allow-origin'], undefined);
    await app.close();
  });

  it('answers unknown API paths and failures in the Prometheus error shape', async () => {
    const app = await server(true);
    const missing = await app.inject('/api/v1/nope');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().status, 'error');
    const boom = await app.inject('/api/v1/boom');
    assert.equal(boom.statusCode, 500);
    assert.deepEqual(boom.json(), { status: 'error', errorType: 'internal', error: 'kaput' });
    await app.close();
  });

  it('refuses a too-large body with 413 naming the limit', async () => {
    const app = await server(true, { max_body_bytes: 1000 });
    const r = await app.inject({ method: 'POST', url: '/api/v1/echo', payload: { x: 'y'.repeat(2000) } });
    assert.equal(r.statusCode, 413);
    assert.match(r.json().error, /limit is 1000 bytes \(limits\.max_body_bytes\)/);
    await app.close();
  });

  it('limits requests per client with 429 and Retry-After when configured', async () => {
    const app = await server(true, { requests_per_second: 3 });
    const codes: number[] = [];
    let last: Awaited<ReturnType<typeof app.inject>> | undefined;
    for (let i = 0; i < 5; i++) {
      last = await app.inject('/metrics');
      codes.push(last.statusCode);
    }
    assert.deepEqual(codes.slice(0, 3), [200, 200, 200]);
    assert.equal(codes[4], 429);
    assert.ok(last?.headers['retry-after'] !== undefined);
    assert.match(last?.json().error, /at most 3 requests per second/);
    assert.equal((await app.inject('/-/healthy')).statusCode, 200, 'health probes are never limited');
    await app.close();
  });
});
