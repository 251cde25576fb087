import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { installAuth } from './hook.js';
import { requiredRole, roleAllows } from './roles.js';
import { TokenStore } from './token-store.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sonde-auth-'));
});
after(async () => rm(dir, { recursive: true, force: true }));

describe('requiredRole', () => {
  it('maps ingest, admin and read paths', () => {
    assert.equal(requiredRole('GET', '/-/healthy'), null);
    assert.equal(requiredRole('GET', '/-/ready'), null);
    assert.equal(requiredRole('GET', '/api/v1/query'), 'read');
    assert.equal(requiredRole('POST', '/api/v1/query'), 'read');
    assert.equal(requiredRole('GET', '/metrics'), 'read');
    assert.equal(requiredRole('GET', '/'), 'read');
    assert.equal(requiredRole('POST', '/api/v1/write'), 'write');
    assert.equal(requiredRole('POST', '/api/v1/import/prometheus'), 'write');
    assert.equal(requiredRole('POST', '/v1/metrics'), 'write');
    assert.equal(requiredRole('POST', '/api/sonde/v1/push'), 'write');
    assert.equal(requiredRole('POST', '/-/reload'), 'admin');
    assert.equal(requiredRole('POST', '/api/sonde/v1/silences'), 'admin');
    assert.equal(requiredRole('GET', '/api/sonde/v1/silences'), 'read');
    assert.equal(requiredRole('DELETE', '/api/sonde/v1/anything'), 'admin');
    assert.equal(requiredRole('POST', '/api/v1/admin/tsdb/delete_series'), 'admin');
  });
  it('lets admin do everything and keeps read and write apart', () => {
    assert.ok(roleAllows('admin', 'write') && roleAllows('admin', 'read') && roleAllows('admin', 'admin'));
    assert.ok(roleAllows('read', 'read') && !roleAllows('read', 'write') && !roleAllows('read', 'admin'));
    assert.ok(roleAllows('write', 'write') && !roleAllows('write', 'read') && !roleAllows('write', 'admin'));
  });
});

describe('TokenStore', () => {
  it('stores only hashes, verifies, survives reopening and revokes', async () => {
    const store = await TokenStore.open(dir);
    const { record, token } = await store.create('read', 'grafana');
    assert.match(token, /^sonde_[0-9a-f]{8}_/);
    const file = await readFile(join(dir, 'tokens.json'), 'utf8');
    assert.ok(!file.includes(token.split('_')[2]), 'the secret is not on disk');
    assert.equal((await stat(join(dir, 'tokens.json'))).mode & 0o777, 0o600);
    const reopened = await TokenStore.open(dir);
    assert.equal(reopened.verify(token)?.id, record.id);
    assert.equal(reopened.verify(`${token.slice(0, -1)}x`), null);
    assert.equal(reopened.verify('garbage'), null);
    assert.ok(await reopened.revoke(record.id));
    assert.equal((await TokenStore.open(dir)).verify(token), null);
    assert.equal(await reopened.revoke('nope'), false);
  });
});

describe('installAuth', () => {
  let app: FastifyInstance;
  const tokens: Record<string, string> = {};
  before(async () => {
    const store = await TokenStore.open(join(dir, 'hook'));
    for (const role of ['read', 'write', 'admin'] as const)
      tokens[role] = (await store.create(role, role)).token;
    app = Fastify();
    installAuth(app, store);
    app.get('/-/healthy', async () => 'ok');
    app.get('/api/v1/query', async () => ({ status: 'success' }));
    app.post('/api/v1/write', async () => 'written');
    app.post('/-/reload', async () => 'reloaded');
    await app.ready();
  });
  after(async () => app.close());

  const call = (method: 'GET' | 'POST', url: string, token?: string, basic = false) =>
    app.inject({
      method,
      url,
      headers: token
        ? {
            authorization: basic
              ? `Basic ${Buffer.from(`prometheus:${token}`).toString('base64')}`
              : `Bearer ${token}`,
          }
        : {},
    });

  it('leaves health probes open', async () =>
    assert.equal((await call('GET', '/-/healthy')).statusCode, 200));
  it('asks for a token with 401 and WWW-Authenticate', async () => {
    const r = await call('GET', '/api/v1/query');
    assert.equal(r.statusCode, 401);
    assert.match(String(r.headers['www-authenticate']), /Bearer/);
    assert.match(r.json().error, /authentication required/);
  });
  it('rejects an unknown token', async () => {
    const r = await call(
      'GET',
      '/api/v1/query',
      'sonde_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    );
    assert.equal(r.statusCode, 401);
    assert.match(r.json().error, /not valid/);
  });
  it('gives each role exactly its powers', async () => {
    const expect: [string, 'GET' | 'POST', string, number][] = [
      ['read', 'GET', '/api/v1/query', 200],
      ['read', 'POST', '/api/v1/write', 403],
      ['read', 'POST', '/-/reload', 403],
      ['write', 'POST', '/api/v1/write', 200],
      ['write', 'GET', '/api/v1/query', 403],
      ['write', 'POST', '/-/reload', 403],
      ['admin', 'GET', '/api/v1/query', 200],
      ['admin', 'POST', '/api/v1/write', 200],
      ['admin', 'POST', '/-/reload', 200],
    ];
    for (const [role, method, url, status] of expect) {
      const r = await call(method, url, tokens[role]);
      assert.equal(r.statusCode, status, `${role} ${method} ${url}`);
      if (status === 403) assert.match(r.json().error, new RegExp(`role ${role}`));
    }
  });
  it('accepts a token as the Basic auth password, for scrapers', async () => {
    assert.equal((await call('GET', '/api/v1/query', tokens.read, true)).statusCode, 200);
  });
});
