// Serving over TLS, and swapping the certificate on SIGHUP without a restart.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { startSondeProcess, waitFor } from './support/sonde-process.js';
import { selfSigned } from './support/tls.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sonde-tls-'));
});
after(async () => rm(dir, { recursive: true, force: true }));

function get(url: string, ca: Buffer): Promise<{ status: number; body: string; subject: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca }, (res) => {
      let body = '';
      const subject = (res.socket as TLSSocket).getPeerCertificate().subject.CN;
      res.on('data', (c: Buffer) => void (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, subject }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('TLS', () => {
  it('serves HTTPS from the configured files and reloads them on SIGHUP', async () => {
    selfSigned(dir, 'first');
    selfSigned(dir, 'second');
    await writeFile(join(dir, 'tls.crt'), await readFile(join(dir, 'first.crt')));
    await writeFile(join(dir, 'tls.key'), await readFile(join(dir, 'first.key')));
    const config = join(dir, 'sonde.yaml');
    await writeFile(
      config,
      `tls:\n  cert_file: ${join(dir, 'tls.crt')}\n  key_file: ${join(dir, 'tls.key')}\n`,
    );
    const sonde = await startSondeProcess(['--config', config, '--data-dir', join(dir, 'data')]);
    try {
      assert.match(sonde.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const first = await get(`${sonde.url}/-/healthy`, await readFile(join(dir, 'first.crt')));
      assert.equal(first.status, 200);
      assert.equal(first.subject, 'first');

      await writeFile(join(dir, 'tls.crt'), await readFile(join(dir, 'second.crt')));
      await writeFile(join(dir, 'tls.key'), await readFile(join(dir, 'second.key')));
      sonde.child.kill('SIGHUP');
      const ca = await readFile(join(dir, 'second.crt'));
      const second = await waitFor('the new certificate', async () => {
        const r = await get(`${sonde.url}/-/healthy`, ca);
        return r.subject === 'second' ? r : undefined;
      });
      assert.equal(second.status, 200);
    } finally {
      assert.equal(await sonde.stop(), 0, sonde.output());
    }
  });
});
