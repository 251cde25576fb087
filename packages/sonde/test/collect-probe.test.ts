// blackbox-style probes against servers the test starts on 127.0.0.1: HTTP
// (status, phases, content match, redirects), HTTPS (certificate expiry from
// a committed self-signed certificate), TCP connect and DNS.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createProbeCollector, type ProbeConfig } from '../src/collect/probe/probes.js';
import { collectOnce, FIXTURES, value } from './collect-helpers.js';

let httpServer: http.Server;
let httpsServer: https.Server;
let dnsServer: dgram.Socket;
let httpPort = 0;
let httpsPort = 0;
let dnsPort = 0;
const certPem = readFileSync(`${FIXTURES}tls/cert.pem`);

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  if (req.url === '/redirect') {
    res.writeHead(302, { location: '/ok' });
    res.end();
  } else if (req.url === '/ok') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('all systems nominal');
  } else {
    res.writeHead(503);
    res.end('down');
  }
}

/** A DNS server that answers every A query for example.test with 192.0.2.1 and 192.0.2.2. */
function dnsAnswer(query: Buffer): Buffer {
  const qEnd = query.indexOf(0, 12) + 5; // question name, type, class
  const header = Buffer.from(query.subarray(0, 12));
  const name = query.subarray(12, qEnd - 4).toString('latin1');
  const known = name.includes('example');
  header.writeUInt16BE(known ? 0x8180 : 0x8183, 2); // response, RD+RA; NXDOMAIN when unknown
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(known ? 2 : 0, 6);
  header.writeUInt32BE(0, 8);
  const answers = known
    ? [1, 2].map((last) => Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, last]))
    : [];
  return Buffer.concat([header, query.subarray(12, qEnd), ...answers]);
}

before(async () => {
  httpServer = http.createServer(handler);
  httpsServer = https.createServer({ cert: certPem, key: readFileSync(`${FIXTURES}tls/key.pem`) }, handler);
  dnsServer = dgram.createSocket('udp4');
  dnsServer.on('message', (msg, rinfo) => dnsServer.send(dnsAnswer(msg), rinfo.port, rinfo.address));
  await Promise.all([
    new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r)),
    new Promise<void>((r) => httpsServer.listen(0, '127.0.0.1', r)),
    new Promise<void>((r) => dnsServer.bind(0, '127.0.0.1', r)),
  ]);
  httpPort = (httpServer.address() as AddressInfo).port;
  httpsPort = (httpsServer.address() as AddressInfo).port;
  dnsPort = dnsServer.address().port;
});

after(() => {
  httpServer.close();
  httpsServer.close();
  dnsServer.close();
});

async function probeOnce(p: ProbeConfig) {
  const c = createProbeCollector([p]);
  try {
    return await collectOnce(c);
  } finally {
    c.close();
  }
}

describe('http probe', () => {
  it('2xx after a redirect: success, status, phases, content match', async () => {
    const f = await probeOnce({
      type: 'http',
      target: `http://127.0.0.1:${httpPort}/redirect`,
      name: 'web',
      fail_if_body_not_matches: 'nominal',
    });
    const l = { instance: 'web' };
    assert.equal(value(f, 'probe_success', l), 1);
    assert.equal(value(f, 'probe_http_status_code', l), 200);
    assert.equal(value(f, 'probe_http_redirects', l), 1);
    assert.equal(value(f, 'probe_http_ssl', l), 0);
    assert.equal(value(f, 'probe_ip_protocol', l), 4);
    assert.equal(value(f, 'probe_http_uncompressed_body_length', l), 'all systems nominal'.length);
    for (const phase of ['resolve', 'connect', 'tls', 'processing', 'transfer']) {
      assert.ok(value(f, 'probe_http_duration_seconds', { phase }) >= 0, phase);
    }
    assert.ok(value(f, 'probe_duration_seconds', l) > 0);
  });

  it('a 503 or a body that does not match fails', async () => {
    const down = await probeOnce({ type: 'http', target: `http://127.0.0.1:${httpPort}/down` });
    assert.equal(value(down, 'probe_success'), 0);
    assert.equal(value(down, 'probe_http_status_code'), 503);
    const nomatch = await probeOnce({
      type: 'http',
      target: `http://127.0.0.1:${httpPort}/ok`,
      fail_if_body_not_matches: 'panic',
    });
    assert.equal(value(nomatch, 'probe_success'), 0);
    assert.equal(value(nomatch, 'probe_failed_due_to_regex'), 1);
    const accepted = await probeOnce({
      type: 'http',
      target: `http://127.0.0.1:${httpPort}/down`,
      valid_status_codes: [503],
    });
    assert.equal(value(accepted, 'probe_success'), 1);
  });

  it('https: certificate expiry and TLS version; an untrusted certificate fails unless told', async () => {
    const expiry = Date.parse(new (await import('node:crypto')).X509Certificate(certPem).validTo) / 1000;
    const f = await probeOnce({
      type: 'http',
      target: `https://127.0.0.1:${httpsPort}/ok`,
      insecure_skip_verify: true,
    });
    assert.equal(value(f, 'probe_success'), 1);
    assert.equal(value(f, 'probe_http_ssl'), 1);
    assert.equal(value(f, 'probe_ssl_earliest_cert_expiry'), expiry);
    assert.equal(value(f, 'probe_tls_version_info', { version: 'TLS 1.3' }), 1);
    const strict = await probeOnce({ type: 'http', target: `https://127.0.0.1:${httpsPort}/ok` });
    assert.equal(value(strict, 'probe_success'), 0);
  });

  it('connection refused fails', async () => {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise((r) => s.close(r));
    const f = await probeOnce({ type: 'http', target: `http://127.0.0.1:${port}/` });
    assert.equal(value(f, 'probe_success'), 0);
  });
});

describe('tcp and dns probes', () => {
  it('tcp connect, plain and with TLS', async () => {
    const ok = await probeOnce({ type: 'tcp', target: `127.0.0.1:${httpPort}` });
    assert.equal(value(ok, 'probe_success', { instance: `127.0.0.1:${httpPort}`, probe: 'tcp' }), 1);
    const t = await probeOnce({
      type: 'tcp',
      target: `127.0.0.1:${httpsPort}`,
      tls: true,
      insecure_skip_verify: true,
    });
    assert.equal(value(t, 'probe_success'), 1);
    assert.ok(value(t, 'probe_ssl_earliest_cert_expiry') > Date.now() / 1000);
  });

  it('dns: answers counted; NXDOMAIN fails', async () => {
    const server = `127.0.0.1:${dnsPort}`;
    const f = await probeOnce({ type: 'dns', target: 'www.example.test', server });
    assert.equal(value(f, 'probe_success'), 1);
    assert.equal(value(f, 'probe_dns_answer_rrs'), 2);
    const nx = await probeOnce({ type: 'dns', target: 'nothing.invalid', server });
    assert.equal(value(nx, 'probe_success'), 0);
  });

  it('each target keeps its own latest result across cycles', async () => {
    const c = createProbeCollector([
      { type: 'tcp', target: `127.0.0.1:${httpPort}`, interval: '1h' },
      { type: 'http', target: `http://127.0.0.1:${httpPort}/down`, interval: '1h' },
    ]);
    try {
      const a = await collectOnce(c);
      const b = await collectOnce(c);
      assert.equal(value(b, 'probe_success', { probe: 'tcp' }), 1);
      assert.equal(value(b, 'probe_success', { probe: 'http' }), 0);
      assert.equal(
        value(a, 'probe_duration_seconds', { probe: 'tcp' }),
        value(b, 'probe_duration_seconds', { probe: 'tcp' }),
      );
    } finally {
      c.close();
    }
  });
});
