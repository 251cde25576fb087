// A real Prometheus 2.42 scrapes itself on loopback and remote-writes into
// sonde's /api/v1/write, backed by the embedded store; the series it scraped
// must arrive with the label sets, timestamps and values Prometheus itself
// stores.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStorage } from '../../src/storage/index.js';
import { type IngestApp, ingestApp, selectAll } from './support.js';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe('Prometheus remote_write into sonde', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sonde-prom-rw-'));
  let sonde: IngestApp;
  let prom: ChildProcess;
  let promUrl = '';
  let promLog = '';

  before(async () => {
    sonde = await ingestApp({}, await openStorage({ dir: join(dir, 'sonde') }));
    await sonde.app.listen({ host: '127.0.0.1', port: 0 });
    const sondePort = (sonde.app.server.address() as { port: number }).port;
    const promPort = await freePort();
    promUrl = `http://127.0.0.1:${promPort}`;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        `  - job_name: prom`,
        `    static_configs: [{ targets: ["127.0.0.1:${promPort}"] }]`,
        'remote_write:',
        `  - url: http://127.0.0.1:${sondePort}/api/v1/write`,
        '    send_exemplars: false',
        '    queue_config: { batch_send_deadline: 500ms, min_backoff: 100ms, max_backoff: 1s }',
        '    metadata_config: { send_interval: 1s }',
      ].join('\n'),
    );
    prom = spawn(
      '/usr/bin/prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    prom.stderr?.on('data', (d) => (promLog += d));
  });

  after(async () => {
    if (prom && prom.exitCode === null) {
      prom.kill('SIGTERM');
      await new Promise((r) => prom.once('exit', r));
    }
    await sonde?.app.close();
    await sonde?.storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('receives the series Prometheus scrapes, labels and metadata included', async () => {
    const up = await until('up to arrive in sonde', 60_000, () => {
      const s = selectAll(sonde.storage, 'up');
      return s.length && s[0].v.length ? s : undefined;
    }).catch((err) => {
      throw new Error(`${(err as Error).message}\nprometheus log:\n${promLog}`);
    });
    assert.deepEqual({ ...up[0].labels }, { __name__: 'up', instance: promUrl.slice(7), job: 'prom' });
    assert.equal(up[0].v[0], 1);

    // Every series Prometheus has for its own build info arrives with identical labels.
    const res = await fetch(`${promUrl}/api/v1/series?match[]=prometheus_build_info`);
    const promSeries = ((await res.json()) as { data: Record<string, string>[] }).data;
    assert.equal(promSeries.length, 1);
    const ours = await until('prometheus_build_info', 30_000, () => {
      const s = selectAll(sonde.storage, 'prometheus_build_info');
      return s.length ? s : undefined;
    });
    assert.deepEqual({ ...ours[0].labels }, promSeries[0]);

    // Counters keep growing across remote_write requests: several requests were stored.
    await until('a second sample of up', 30_000, () =>
      selectAll(sonde.storage, 'up')[0].v.length >= 2 ? true : undefined,
    );
    assert.ok(sonde.stats.acceptedCount('remote_write') > 100);
    assert.equal(sonde.stats.rejectedCount('remote_write', 'invalid_labels'), 0);

    // The samples of a counter are the same in both stores, timestamp for timestamp.
    const selector = 'prometheus_http_requests_total{handler="/metrics",code="200"}';
    const ourSeries = await until('three samples of the /metrics request counter', 30_000, () => {
      const s = selectAll(sonde.storage, 'prometheus_http_requests_total').find(
        (x) => x.labels.handler === '/metrics' && x.labels.code === '200',
      );
      return s && s.t.length >= 3 ? s : undefined;
    });
    const lastOurs = ourSeries.t[ourSeries.t.length - 1];
    const q = await fetch(
      `${promUrl}/api/v1/query?query=${encodeURIComponent(`${selector}[10m]`)}&time=${lastOurs / 1000}`,
    );
    const matrix = ((await q.json()) as { data: { result: { values: [number, string][] }[] } }).data.result;
    // Compare where both have data: remote_write may start after Prometheus's first scrape.
    const theirsAll = matrix[0].values.map(([t, v]) => [Math.round(t * 1000), Number(v)]);
    const from = Math.max(theirsAll[0][0], ourSeries.t[0]);
    const theirs = theirsAll.filter(([t]) => t >= from);
    const oursSamples = [...ourSeries.t].map((t, i) => [t, ourSeries.v[i]]).filter(([t]) => t >= from);
    assert.ok(theirs.length >= 2);
    assert.deepEqual(oursSamples, theirs);

    await until('metadata from Prometheus', 30_000, () =>
      sonde.storage.metadata('prometheus_http_requests_total').get('prometheus_http_requests_total'),
    );
    assert.equal(
      sonde.storage.metadata('prometheus_http_requests_total').get('prometheus_http_requests_total')?.type,
      'counter',
    );
  });
});
