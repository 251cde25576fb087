// Secrets in label values (URL credentials, bearer tokens, API-key shapes)
// are redacted at ingest: sent through remote_write, push, OTLP and text import to
// the real server, they never reach the query API, the files of the store
// (WAL and blocks, after a clean shutdown) or the logs.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REDACTED, WriteRequestType, snappyCompress } from '../src/ingest/index.js';
import { startSondeProcess } from './support/sonde-process.js';

const SECRETS = {
  url: ['https://admin:', 'S3cretPassw0rdXyz', '@db.example.com/x'],
  auth: ['Bearer ', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N', ''],
  gh: ['', `ghp_${'A1b2C3d4'.repeat(5)}`, ''],
  aws: ['key ', 'AKIAIOSFODNN7EXAMPLE', ' here'],
  query: ['https://x.example/y?api_key=', 'abcd1234secretvalue', '&page=1'],
  slack: ['', 'xoxb-123456789012-abcdefghijkl', ''],
} as const;
type Key = keyof typeof SECRETS;
const labelsWithSecrets = Object.fromEntries(
  Object.entries(SECRETS).map(([k, [pre, secret, post]]) => [k, pre + secret + post]),
) as Record<Key, string>;
const secretParts = Object.values(SECRETS).map(([, secret]) => secret);

async function* files(dir: string): AsyncGenerator<string> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (e.isFile()) yield p;
  }
}

describe('secrets in label values, end to end', () => {
  let dataDir = '';
  after(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('are redacted before storage and never logged, through remote_write, push, OTLP and import', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sonde-redact-'));
    const sonde = await startSondeProcess(['--data-dir', dataDir, '--log-level', 'trace']);
    const t = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    const post = async (path: string, body: Buffer | string, headers: Record<string, string>) => {
      const res = await fetch(`${sonde.url}${path}`, { method: 'POST', body, headers });
      return { status: res.status, text: await res.text() };
    };
    try {
      const rw = WriteRequestType.encode(
        WriteRequestType.fromObject({
          timeseries: [
            {
              labels: [
                { name: '__name__', value: 'secret_rw' },
                ...Object.entries(labelsWithSecrets).map(([name, value]) => ({ name, value })),
              ],
              samples: [{ value: 1, timestamp: t }],
            },
          ],
        }),
      ).finish();
      const a = await post('/api/v1/write', snappyCompress(rw), {
        'content-type': 'application/x-protobuf',
        'content-encoding': 'snappy',
      });
      assert.equal(a.status, 204, a.text);
      const push = await post(
        '/api/sonde/v1/push',
        JSON.stringify({
          labels: { target: labelsWithSecrets.url },
          series: [{ labels: { __name__: 'secret_push', ...labelsWithSecrets }, samples: [[t, 2]] }],
        }),
        { 'content-type': 'application/json' },
      );
      assert.equal(push.status, 200, push.text);
      const escaped = Object.entries(labelsWithSecrets)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',');
      const imp = await post('/api/v1/import/prometheus', `secret_import{${escaped}} 3 ${t}\n`, {
        'content-type': 'text/plain',
      });
      assert.equal(imp.status, 200, imp.text);
      const attributes = Object.entries(labelsWithSecrets).map(([key, v]) => ({
        key,
        value: { stringValue: v },
      }));
      const otlp = await post(
        '/v1/metrics',
        JSON.stringify({
          resourceMetrics: [
            {
              resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
              scopeMetrics: [
                {
                  metrics: [
                    {
                      name: 'secret_otlp',
                      gauge: { dataPoints: [{ asDouble: 4, timeUnixNano: `${t}000000`, attributes }] },
                    },
                  ],
                },
              ],
            },
          ],
        }),
        { 'content-type': 'application/json' },
      );
      assert.equal(otlp.status, 200, otlp.text);
      // A series rejected for another reason must not leak its secrets into the logs either.
      const rejected = await post(
        '/api/sonde/v1/push',
        JSON.stringify({
          series: [
            {
              labels: { __name__: 'secret_rejected', ...labelsWithSecrets, long: 'x'.repeat(5000) },
              samples: [[t, 1]],
            },
          ],
        }),
        { 'content-type': 'application/json' },
      );
      assert.equal(rejected.status, 200, rejected.text);
      assert.match(rejected.text, /longer than/);

      const res = await fetch(
        `${sonde.url}/api/v1/series?${new URLSearchParams({ 'match[]': '{__name__=~"secret_.*"}' })}`,
      );
      const body = await res.text();
      assert.equal(res.status, 200, body);
      const series = (JSON.parse(body) as { data: Record<string, string>[] }).data;
      assert.deepEqual(series.map((s) => s.__name__).sort(), [
        'secret_import',
        'secret_otlp',
        'secret_push',
        'secret_rw',
      ]);
      for (const s of series) {
        for (const [k, [pre, , post]] of Object.entries(SECRETS)) {
          // The secret goes, what surrounds it stays (a redacted URL still names its host).
          assert.equal(s[k], pre + REDACTED + post, `${s.__name__} ${k}`);
        }
        if (s.__name__ === 'secret_push')
          assert.equal(s.target, `${SECRETS.url[0]}${REDACTED}${SECRETS.url[2]}`);
      }
      for (const secret of secretParts) assert.ok(!body.includes(secret), `query API shows ${secret}`);
    } finally {
      assert.equal(await sonde.stop('SIGTERM'), 0, sonde.output());
    }
    for (const secret of secretParts) {
      assert.ok(!sonde.output().includes(secret), `the logs show ${secret}`);
    }
    let scanned = 0;
    for await (const file of files(dataDir)) {
      const bytes = await readFile(file);
      scanned += bytes.length;
      for (const secret of secretParts) {
        assert.equal(bytes.indexOf(secret), -1, `${file} holds ${secret}`);
      }
    }
    assert.ok(scanned > 0, 'the store wrote files');
  });
});
