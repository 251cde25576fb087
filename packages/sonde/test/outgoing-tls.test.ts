// Outgoing TLS beyond scraping: remote_write forwarding, alert webhooks and
// Alertmanager targets against a real HTTPS server on 127.0.0.1 — verified
// with ca_file, refused without it, a client certificate presented when the
// server asks for one, and verification skipped only with insecure_skip_verify.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { alertmanagerTargets } from '../src/alerting/notify/receivers/alertmanager.js';
import { postJson } from '../src/alerting/notify/receivers/http.js';
import { alertmanagerTargetSchema, webhookConfigSchema } from '../src/config/alerting-schema.js';
import { remoteWriteSchema } from '../src/config/schema.js';
import { endpointFromConfig } from '../src/forward/from-config.js';
import { RemoteWriteClient } from '../src/forward/remote-write-client.js';
import { type Pem, type TlsServer, startTlsServer, testPki } from './support/tls.js';

let dir = '';
let pki: { ca: Pem; server: Pem; client: Pem };
let open: TlsServer; // server certificate from the test CA; no client certificate asked
let mutual: TlsServer; // the same, and a client certificate from the test CA required
const hits: string[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sonde-out-tls-'));
  pki = testPki(dir);
  const ok = (req: { url?: string }, res: { writeHead(s: number): void; end(): void }) => {
    hits.push(req.url ?? '');
    res.writeHead(200);
    res.end();
  };
  open = await startTlsServer({ server: pki.server }, ok);
  mutual = await startTlsServer({ server: pki.server, clientCa: pki.ca }, ok);
});
after(async () => {
  await open?.close();
  await mutual?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('outgoing TLS: remote_write', () => {
  /** Sends one body through a client built the way the config's tls_config is read. */
  async function send(url: string, tls?: Record<string, unknown>) {
    const rw = remoteWriteSchema.parse({ url, ...(tls ? { tls_config: tls } : {}) });
    const client = new RemoteWriteClient(endpointFromConfig(rw));
    return client.send(Buffer.from([0]));
  }

  it('verifies the server with ca_file and refuses it without, unless insecure_skip_verify', async () => {
    assert.deepEqual(await send(`${open.url}/api/v1/write`, { ca_file: pki.ca.certFile }), { kind: 'ok' });
    const untrusted = await send(`${open.url}/api/v1/write`);
    assert.equal(untrusted.kind, 'retry');
    assert.match((untrusted as { reason: string }).reason, /certificate|self.signed|issuer/i);
    assert.deepEqual(await send(`${open.url}/api/v1/write`, { insecure_skip_verify: true }), {
      kind: 'ok',
    });
  });

  it('presents the client certificate when the server requires one', async () => {
    const before = mutual.clients.length;
    const without = await send(`${mutual.url}/api/v1/write`, { ca_file: pki.ca.certFile });
    assert.equal(without.kind, 'retry');
    assert.equal(
      mutual.clients.length,
      before,
      'a handshake without a client certificate never reaches the server',
    );
    const withCert = await send(`${mutual.url}/api/v1/write`, {
      ca_file: pki.ca.certFile,
      cert_file: pki.client.certFile,
      key_file: pki.client.keyFile,
    });
    assert.deepEqual(withCert, { kind: 'ok' });
    assert.equal(mutual.clients.at(-1), 'client');
  });
});

describe('outgoing TLS: alert webhook and Alertmanager', () => {
  const webhook = (url: string, tls?: Record<string, unknown>) => {
    const c = webhookConfigSchema.parse({ url, ...(tls ? { http_config: { tls_config: tls } } : {}) });
    return postJson(
      c.url,
      { alerts: [] },
      { timeoutMs: 5000, ...(c.http_config ? { http: c.http_config } : {}) },
    );
  };

  it('webhook: verified with ca_file, refused without, skipped only when asked', async () => {
    assert.deepEqual(await webhook(`${open.url}/hook`, { ca_file: pki.ca.certFile }), {
      ok: true,
      status: 200,
    });
    const untrusted = await webhook(`${open.url}/hook`);
    assert.equal(untrusted.ok, false);
    assert.equal(untrusted.retry, true);
    assert.match(untrusted.error ?? '', /certificate|self.signed|issuer/i);
    assert.deepEqual(await webhook(`${open.url}/hook`, { insecure_skip_verify: true }), {
      ok: true,
      status: 200,
    });
  });

  it('webhook: a client certificate for a receiver that requires one; cert_file needs key_file', async () => {
    const without = await webhook(`${mutual.url}/hook`, { ca_file: pki.ca.certFile });
    assert.equal(without.ok, false);
    const withCert = await webhook(`${mutual.url}/hook`, {
      ca_file: pki.ca.certFile,
      cert_file: pki.client.certFile,
      key_file: pki.client.keyFile,
    });
    assert.deepEqual(withCert, { ok: true, status: 200 });
    assert.equal(mutual.clients.at(-1), 'client');
    assert.throws(() => webhook(`${mutual.url}/hook`, { cert_file: pki.client.certFile }), /go together/);
    const missing = await webhook(`${mutual.url}/hook`, { ca_file: join(dir, 'nope.crt') });
    assert.deepEqual([missing.ok, missing.retry], [false, true]);
    assert.match(missing.error ?? '', /tls_config: .*nope.crt/);
  });

  it('Alertmanager targets over https with the CA and a client certificate', async () => {
    const port = new URL(mutual.url).port;
    const base = {
      static_configs: [{ targets: [`127.0.0.1:${port}`] }],
      scheme: 'https',
      path_prefix: '/am',
    };
    const [trusted] = alertmanagerTargets([
      alertmanagerTargetSchema.parse({
        ...base,
        http_config: {
          tls_config: {
            ca_file: pki.ca.certFile,
            cert_file: pki.client.certFile,
            key_file: pki.client.keyFile,
          },
        },
      }),
    ]);
    assert.deepEqual(await trusted.deliver([], 'k1'), { ok: true, status: 200 });
    assert.equal(hits.at(-1), '/am/api/v2/alerts');
    const [noClientCert] = alertmanagerTargets([
      alertmanagerTargetSchema.parse({ ...base, http_config: { tls_config: { ca_file: pki.ca.certFile } } }),
    ]);
    assert.equal((await noClientCert.deliver([], 'k2')).ok, false);
    const [untrusted] = alertmanagerTargets([alertmanagerTargetSchema.parse(base)]);
    const r = await untrusted.deliver([], 'k3');
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', /certificate|self.signed|issuer/i);
  });
});
