// End to end with the real Prometheus: it scrapes metricsHandler() (negotiating
// OpenMetrics 1.0, its default preference) and the values come back through
// its query API, histogram_quantile included.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createServer as createHttpServer, type Server } from 'node:http';
import {
  Counter,
  collectDefaultMetrics,
  Histogram,
  metricsHandler,
  negotiate,
  Registry,
  Summary,
} from './index.js';

const PROMETHEUS = '/usr/bin/prometheus';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('scraped by the real Prometheus', () => {
  const reg = new Registry();
  let srv: Server;
  const formats = new Set<string>();
  let prom: ChildProcess;
  let dir: string;
  let api: string;
  let log = '';

  before(async () => {
    collectDefaultMetrics({ register: reg });
    const c = new Counter({
      name: 'orders_total',
      help: 'Orders "placed".',
      labelNames: ['shop'],
      registers: [reg],
    });
    c.inc({ shop: 'a\\b "c"' }, 7);
    const h = new Histogram({
      name: 'checkout_duration_seconds',
      help: 'Checkout time.',
      unit: 'seconds',
      buckets: [0.1, 0.2, 0.4, 0.8],
      registers: [reg],
    });
    for (let i = 0; i < 100; i++) h.observe(0.15);
    new Summary({ name: 'basket_items', help: 'Items.', registers: [reg] }).observe(3);
    const handler = metricsHandler({ registry: reg });
    srv = createHttpServer((req, res) => {
      formats.add(negotiate(req.headers.accept));
      handler(req, res);
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const addr = srv.address() as { port: number };
    dir = await mkdtemp(join(tmpdir(), 'sonde-sdk-prom-'));
    await writeFile(
      join(dir, 'prometheus.yml'),
      `global: { scrape_interval: 1s, scrape_timeout: 1s }\nscrape_configs:\n  - job_name: app\n    static_configs: [{ targets: ['127.0.0.1:${addr.port}'] }]\n`,
    );
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    prom = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    prom.stderr!.on('data', (d) => {
      log = (log + d).slice(-4000);
    });
  });

  after(async () => {
    prom?.kill('SIGTERM');
    await new Promise((r) => (prom?.exitCode !== null ? r(undefined) : prom.once('exit', r)));
    await new Promise((r) => (srv ? srv.close(r) : r(undefined)));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function query(q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const res = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(q)}`);
    const body = (await res.json()) as {
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    return body.data.result;
  }

  it('scrapes without errors and serves the values back', async () => {
    const deadline = Date.now() + 40_000;
    let targets = '';
    for (;;) {
      try {
        const up = await query('up{job="app"}');
        if (up.length > 0 && up[0].value[1] === '1' && (await query('orders_total')).length > 0) break;
        targets = await (await fetch(`${api}/api/v1/targets`)).text();
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) assert.fail(`no successful scrape; targets: ${targets}\nlog: ${log}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const orders = await query('orders_total');
    assert.equal(orders[0].metric.shop, 'a\\b "c"');
    assert.equal(orders[0].value[1], '7');
    const p50 = await query('histogram_quantile(0.5, checkout_duration_seconds_bucket)');
    const v = Number(p50[0].value[1]);
    assert.ok(v > 0.1 && v <= 0.2, `p50 ${v}`);
    assert.equal((await query('basket_items_count'))[0].value[1], '1');
    assert.equal((await query('nodejs_version_info'))[0].metric.version, process.version);
    const tgt = (await (await fetch(`${api}/api/v1/targets`)).json()) as {
      data: { activeTargets: { lastError: string; health: string }[] };
    };
    assert.equal(tgt.data.activeTargets[0].lastError, '');
    assert.equal(tgt.data.activeTargets[0].health, 'up');
    assert.deepEqual([...formats], ['openmetrics']);
  });
});
