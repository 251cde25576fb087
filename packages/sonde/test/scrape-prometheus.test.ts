// sonde and the real Prometheus 2.42 scrape the same local targets with the
// same scrape config; the series (labels after relabeling, honor_labels,
// metric relabeling), the `up` values and the sample values must agree.
// Prometheus is read through its HTTP API, sonde through its PromQL engine
// over the storage the scraper wrote to.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { scrapeConfigSchema } from '../src/config/schema.js';
import { createQueryEngine } from '../src/query/engine.js';
import { createScrapeManager } from '../src/scrape/manager.js';
import { MemoryStorage } from '../src/storage/memory.js';
import { freePort } from './support/peers.js';
import { silent, startTarget, type Target, text, waitFor } from './scrape-support.js';

const EXPOSITION = `# HELP app_requests_total Requests.
# TYPE app_requests_total counter
app_requests_total{method="GET",code="200",job="exposed"} 1027
app_requests_total{method="POST",code="500",job="exposed"} 3
# TYPE app_temp gauge
app_temp{sensor="A"} 21.5
app_temp{sensor="b"} -4
# TYPE debug_noise gauge
debug_noise 1
# TYPE app_latency_seconds histogram
app_latency_seconds_bucket{le="0.1"} 5
app_latency_seconds_bucket{le="+Inf"} 7
app_latency_seconds_sum 1.5
app_latency_seconds_count 7
`;

let dir = '';
let target: Target;
let prom: ChildProcess | undefined;
let promUrl = '';
let log = '';

function scrapeConfigs(addr: string) {
  const common = {
    scrape_interval: '1s',
    scrape_timeout: '1s',
    metric_relabel_configs: [
      { source_labels: ['__name__'], regex: 'debug_.*', action: 'drop' },
      { source_labels: ['sensor'], target_label: 'sensor', action: 'lowercase' },
    ],
  };
  return [
    {
      job_name: 'cmp',
      ...common,
      static_configs: [{ targets: [addr, '127.0.0.1:1'], labels: { env: 'test', __meta_zone: 'z1' } }],
      relabel_configs: [
        { source_labels: ['__meta_zone'], target_label: 'zone' },
        { source_labels: ['__address__'], modulus: 4, target_label: 'shard', action: 'hashmod' },
      ],
    },
    { job_name: 'cmp_honor', ...common, honor_labels: true, static_configs: [{ targets: [addr] }] },
  ];
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sonde-scrape-prom-'));
  target = await startTarget(text(EXPOSITION));
  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  await writeFile(join(dir, 'prometheus.yml'), stringify({ scrape_configs: scrapeConfigs(target.address) }));
  prom = spawn(
    '/usr/bin/prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  prom.stdout?.on('data', (c: Buffer) => void (log += c));
  prom.stderr?.on('data', (c: Buffer) => void (log += c));
});

after(async () => {
  if (prom && prom.exitCode === null) {
    prom.kill('SIGTERM');
    await once(prom, 'exit');
  }
  await target.close();
  await rm(dir, { recursive: true, force: true });
});

type Row = { labels: Record<string, string>; value: string };

async function promQuery(expr: string): Promise<Row[] | undefined> {
  try {
    const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    if (!res.ok) return undefined;
    const body = (await res.json()) as {
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    return body.data.result.map((r) => ({ labels: r.metric, value: r.value[1] }));
  } catch {
    return undefined;
  }
}

const sorted = (rows: Row[]) =>
  rows
    .map((r) => ({ labels: Object.fromEntries(Object.entries(r.labels).sort()), value: r.value }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('scrape: same results as Prometheus 2.42', () => {
  it('produces the same series, up values and sample values, and the same staleness', async () => {
    const storage = new MemoryStorage();
    const manager = createScrapeManager({
      storage,
      logger: silent,
      configs: scrapeConfigs(target.address).map((c) => scrapeConfigSchema.parse(c)),
    });
    await manager.start();
    const engine = createQueryEngine(storage);
    const sonde = async (expr: string): Promise<Row[]> => {
      const v = await engine.instant(expr, Date.now());
      assert.equal(v.type, 'vector');
      return v.samples.map((s) => ({ labels: { ...s.labels }, value: String(s.v) }));
    };
    try {
      // Both have scraped every target at least twice.
      const wanted = 3;
      await waitFor(
        'Prometheus scrapes',
        async () => ((await promQuery('count_over_time(up[1m]) >= 2')) ?? []).length === wanted,
        60_000,
      ).catch((err) => {
        throw new Error(`${err.message}\n${log.slice(-2000)}`);
      });
      await waitFor(
        'sonde scrapes',
        async () => (await sonde('count_over_time(up[1m]) >= 2')).length === wanted,
        30_000,
      );

      // Everything but the scrape durations, which differ by nature.
      const everything = '{__name__=~".+", __name__!="scrape_duration_seconds"}';
      const p = sorted((await promQuery(everything)) ?? []);
      const s = sorted(await sonde(everything));
      assert.ok(p.length >= 20, `Prometheus has ${p.length} series`);
      assert.deepEqual(s, p);
      // Spot checks of what the comparison covers.
      assert.ok(
        p.some(
          (r) => r.labels.exported_job === 'exposed' && r.labels.job === 'cmp' && r.labels.zone === 'z1',
        ),
      );
      assert.ok(
        p.some((r) => r.labels.__name__ === 'up' && r.labels.instance === '127.0.0.1:1' && r.value === '0'),
      );
      assert.ok(p.some((r) => r.labels.job === 'exposed' && !r.labels.exported_job));
      assert.ok(
        p.some((r) => r.labels.sensor === 'a') && !p.some((r) => r.labels.__name__ === 'debug_noise'),
      );
      const durations = (rows: Row[]) => sorted(rows.map((r) => ({ labels: r.labels, value: '' })));
      assert.deepEqual(
        durations(await sonde('scrape_duration_seconds{job=~"cmp.*"}')),
        durations((await promQuery('scrape_duration_seconds{job=~"cmp.*"}')) ?? []),
      );

      // A series vanishes: both write a stale marker, so neither returns it
      // any more (without one, the 5m lookback would keep it visible).
      target.handler = text(EXPOSITION.replace('app_temp{sensor="b"} -4\n', ''));
      const changed = Date.now() / 1000 + 0.1;
      const scrapedSince = `min(timestamp(up{instance="${target.address}"})) > ${changed}`;
      await waitFor(
        'Prometheus scrapes after the change',
        async () => ((await promQuery(scrapedSince)) ?? []).length === 1,
        30_000,
      );
      await waitFor(
        'sonde scrapes after the change',
        async () => (await sonde(scrapedSince)).length === 1,
        30_000,
      );
      const after = sorted((await promQuery(everything)) ?? []);
      assert.ok(!after.some((r) => r.labels.sensor === 'b'));
      assert.equal(after.length, p.length - 2);
      assert.deepEqual(sorted(await sonde(everything)), after);
    } finally {
      await manager.stop();
    }
  });
});
