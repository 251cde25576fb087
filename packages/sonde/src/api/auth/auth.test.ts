import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { installAuth } from './hook.js';
import { loginRoutes } from './login-routes.js';
import { requiredRole, roleAllows } from './roles.js';
import { SessionStore } from './sessions.js';
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

describe('dashboard sign-in', () => {
  let app: FastifyInstance;
  let readToken = '';
  let store: TokenStore;
  before(async () => {
    store = await TokenStore.open(join(dir, 'session'));
    readToken = (await store.create('read', 'browser')).token;
    const sessions = new SessionStore();
    app = Fastify();
    installAuth(app, store, sessions);
    await app.register(async (scope) => loginRoutes(scope, store, sessions, false));
    app.get('/', async (_req, reply) => reply.type('text/html').send('<h1>dashboard</h1>'));
    app.get('/api/v1/query', async () => ({ status: 'success' }));
    await app.ready();
  });
  after(async () => app.close());

  it('sends a browser without a session to the sign-in form', async () => {
    const r = await app.inject({ url: '/', headers: { accept: 'text/html' } });
    assert.equal(r.statusCode, 303);
    assert.equal(r.headers.location, '/login');
    const form = await app.inject('/login');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /<form method="post" action="\/api\/sonde\/v1\/session">/);
    assert.doesNotMatch(form.body, /<script/);
  });

  it('exchanges a token for an HTTP-only SameSite cookie that then authenticates', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/sonde/v1/session',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `token=${encodeURIComponent(readToken)}`,
    });
    assert.equal(r.statusCode, 303);
    assert.equal(r.headers.location, '/');
    const cookie = String(r.headers['set-cookie']);
    assert.match(cookie, /^sonde_session=[\w-]{43}; HttpOnly; SameSite=Strict; Path=\//);
    const session = cookie.split(';')[0];
    assert.equal((await app.inject({ url: '/api/v1/query', headers: { cookie: session } })).statusCode, 200);
    assert.equal(
      (await app.inject({ url: '/api/v1/query', headers: { cookie: 'sonde_session=forged' } })).statusCode,
      401,
    );

    await app.inject({ method: 'DELETE', url: '/api/sonde/v1/session', headers: { cookie: session } });
    assert.equal((await app.inject({ url: '/api/v1/query', headers: { cookie: session } })).statusCode, 401);
  });

  it('ends sessions of a revoked token', async () => {
    const { record, token } = await store.create('read', 'soon revoked');
    const r = await app.inject({ method: 'POST', url: '/api/sonde/v1/session', payload: { token } });
    assert.equal(r.statusCode, 200);
    assert.equal(r.json().data.role, 'read');
    const session = String(r.headers['set-cookie']).split(';')[0];
    await store.revoke(record.id);
    assert.equal((await app.inject({ url: '/api/v1/query', headers: { cookie: session } })).statusCode, 401);
  });

  it('refuses a wrong token: the form gets sent back, JSON gets 401', async () => {
    const form = await app.inject({
      method: 'POST',
      url: '/api/sonde/v1/session',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'token=nope',
    });
    assert.equal(form.statusCode, 303);
    assert.equal(form.headers.location, '/login?failed');
    const json = await app.inject({
      method: 'POST',
      url: '/api/sonde/v1/session',
      payload: { token: 'nope' },
    });
    assert.equal(json.statusCode, 401);
  });
});
