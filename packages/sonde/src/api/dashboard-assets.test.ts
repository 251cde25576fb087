import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { dashboardAssets } from './dashboard-assets.js';

async function build(dir: string, hash: string): Promise<void> {
  // What `vite build` leaves: index.html naming content-hashed assets.
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'assets'), { recursive: true });
  await writeFile(join(dir, 'assets', `index-${hash}.js`), `console.log(${JSON.stringify(hash)})`);
  await writeFile(
    join(dir, 'index.html'),
    `<!doctype html><script type="module" src="/assets/index-${hash}.js"></script>`,
  );
}

describe('dashboard assets', () => {
  let root: string;
  let dist: string;
  let app: FastifyInstance;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'sonde-assets-'));
    dist = join(root, 'dist');
    app = Fastify();
    app.get('/api/v1/labels', async () => ({ status: 'success', data: [] }));
    await dashboardAssets(app, dist);
    await app.ready();
  });

  after(async () => {
    await app.close();
    await rm(root, { recursive: true, force: true });
  });

  it('says how to build the dashboard until it is built', async () => {
    const page = await app.inject('/');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /has not been built/);
    assert.equal((await app.inject('/routes')).statusCode, 404);
  });

  it('serves a build made after the server started, and a rebuild while it runs', async () => {
    await build(dist, 'AAAA1111');
    const first = await app.inject('/');
    assert.equal(first.statusCode, 200);
    assert.match(first.body, /index-AAAA1111\.js/);
    assert.equal(first.headers['cache-control'], 'no-cache');
    const asset = await app.inject('/assets/index-AAAA1111.js');
    assert.equal(asset.statusCode, 200);
    assert.match(String(asset.headers['cache-control']), /immutable/);

    // Rebuild: new hashed names replace the old ones.
    await build(dist, 'BBBB2222');
    const page = await app.inject('/');
    assert.match(page.body, /index-BBBB2222\.js/);
    const fresh = await app.inject('/assets/index-BBBB2222.js');
    assert.equal(fresh.statusCode, 200);
    assert.equal(fresh.body, 'console.log("BBBB2222")');
    assert.equal((await app.inject('/assets/index-AAAA1111.js')).statusCode, 404);
  });

  it('answers client-side routes with index.html, but never API paths or missing files', async () => {
    await build(dist, 'CCCC3333');
    for (const path of ['/', '/explore?q=up', '/routes/%2Fapi%2Fsearch', '/alerts/']) {
      const r = await app.inject(path);
      assert.equal(r.statusCode, 200, path);
      assert.match(r.body, /index-CCCC3333\.js/, path);
      assert.match(String(r.headers['content-type']), /text\/html/, path);
    }
    assert.equal((await app.inject('/api/v1/labels')).json().status, 'success');
    for (const path of ['/api/v1/nope', '/api', '/-/nope', '/metrics/x', '/v1/traces', '/assets/gone.js']) {
      const r = await app.inject(path);
      assert.equal(r.statusCode, 404, path);
      assert.equal(r.json().errorType, 'not_found', path);
    }
    assert.equal((await app.inject({ method: 'POST', url: '/explore' })).statusCode, 404);
    // Nothing outside dist/ is reachable.
    await writeFile(join(root, 'secret.txt'), 'secret');
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const r = await app.inject(path);
      assert.notEqual(r.body, 'secret', path);
    }
  });
});
