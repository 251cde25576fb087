// CPU per scrape of one target exposing 10,000 series: sonde's scrape loop
// (HTTP, parse, target labels, staleness tracking, append + commit into the
// embedded store with its write-ahead log) next to the real Prometheus 2.42
// scraping the same target, in one run.
//   sonde: process CPU (process.cpuUsage, all threads) across N scrapes
//   Prometheus: process CPU from /proc/<pid>/stat across the scrapes it made
//   in a window at a short interval, raw and less its idle CPU (measured
//   first with no targets).
// The target runs in its own process so serving costs neither side.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { stringify } from 'yaml';
import { scrapeConfigSchema } from '../packages/sonde/src/config/schema.js';
import { HttpClient } from '../packages/sonde/src/scrape/http-client.js';
import { ScrapeLoop } from '../packages/sonde/src/scrape/loop.js';
import { populateTargets, resolveScrapeConfig } from '../packages/sonde/src/scrape/targets.js';
import { openStorage } from '../packages/sonde/src/storage/index.js';
import type { Appender, Storage } from '../packages/sonde/src/storage/types.js';

const SERIES = 10_000;
const SONDE_SCRAPES = Number(process.env.BENCH_SCRAPES ?? 60);
const PROM_INTERVAL = '250ms';
const PROM_WINDOW_MS = Number(process.env.BENCH_PROM_WINDOW_MS ?? 20_000);
const IDLE_WINDOW_MS = 6_000;
const HZ = 100; // USER_HZ for /proc/<pid>/stat

// 100 families x 100 series, two labels each; values move on every request.
const TARGET = `
const http = require('node:http');
const counts = { sonde: 0, prom: 0 };
let n = 0;
const head = [];
for (let f = 0; f < 100; f++) {
  const rows = [];
  for (let s = 0; s < ${SERIES / 100}; s++)
    rows.push('bench_metric_' + f + '_total{instance_id="i-' + (s % 17) + '",path="/api/v1/resource/' + s + '"} ');
  head.push('# HELP bench_metric_' + f + '_total A benchmark counter.\\n# TYPE bench_metric_' + f + '_total counter\\n', rows);
}
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/count') { res.end(JSON.stringify(counts)); return; }
  const who = url.searchParams.get('who') || 'sonde';
  counts[who] = (counts[who] || 0) + 1;
  n++;
  let body = '';
  for (let i = 0; i < head.length; i += 2) {
    body += head[i];
    const rows = head[i + 1];
    for (let s = 0; s < rows.length; s++) body += rows[s] + (n * 7 + s) + '\\n';
  }
  res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => process.send(server.address().port));
`;

function procCpuSeconds(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / HZ;
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function scrapeCounts(addr: string): Promise<{ sonde: number; prom: number }> {
  return (await (await fetch(`http://${addr}/count`)).json()) as { sonde: number; prom: number };
}

/** A store that takes appends and keeps nothing: the scrape path alone. */
const discard: Storage = {
  appender(): Appender {
    return {
      append() {},
      appendHistogram() {},
      rollback() {},
      commit: async () => ({ accepted: 0, outOfOrder: 0, duplicate: 0, tooOld: 0, invalid: 0 }),
    };
  },
} as unknown as Storage;

async function benchSonde(
  addr: string,
  storage: Storage,
): Promise<{ cpuMs: number; wallMs: number; samples: number }> {
  const rc = resolveScrapeConfig(
    scrapeConfigSchema.parse({
      job_name: 'bench',
      scrape_interval: '1s',
      static_configs: [{ targets: [addr] }],
    }),
  );
  const [target] = populateTargets(rc, [{ targets: [addr], source: 'bench' }]).active.values();
  const client = new HttpClient();
  let t = Date.now() - 3_600_000;
  const loop = new ScrapeLoop({
    target,
    storage,
    client,
    logger: pino({ level: 'silent' }),
    honorLabels: false,
    honorTimestamps: true,
    sampleLimit: 0,
    metricRelabel: [],
    now: () => t,
  });
  for (let i = 0; i < 5; i++) {
    t += 1000;
    await loop.scrapeOnce();
  }
  if (loop.lastError) throw new Error(`sonde scrape failed: ${loop.lastError}`);
  globalThis.gc?.();
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  for (let i = 0; i < SONDE_SCRAPES; i++) {
    t += 1000;
    await loop.scrapeOnce();
  }
  const c = process.cpuUsage(c0);
  const wall = performance.now() - w0;
  client.close();
  return {
    cpuMs: (c.user + c.system) / 1000 / SONDE_SCRAPES,
    wallMs: wall / SONDE_SCRAPES,
    samples: loop.seriesCount,
  };
}

async function benchPrometheus(addr: string, dir: string) {
  const port = await freePort();
  await mkdir(dir, { recursive: true });
  const config = join(dir, 'prometheus.yml');
  await writeFile(config, stringify({ global: { scrape_interval: '1m' } }));
  const prom: ChildProcess = spawn(
    '/usr/bin/prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  try {
    const ready = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/-/ready`)).ok) break;
      } catch {}
      if (Date.now() > ready) throw new Error('Prometheus did not become ready');
      await sleep(100);
    }
    await sleep(1000);
    const i0 = procCpuSeconds(prom.pid!);
    await sleep(IDLE_WINDOW_MS);
    const idlePerMs = (procCpuSeconds(prom.pid!) - i0) / IDLE_WINDOW_MS;

    await writeFile(
      config,
      stringify({
        scrape_configs: [
          {
            job_name: 'bench',
            scrape_interval: PROM_INTERVAL,
            scrape_timeout: PROM_INTERVAL,
            params: { who: ['prom'] },
            static_configs: [{ targets: [addr] }],
          },
        ],
      }),
    );
    prom.kill('SIGHUP');
    const warm = Date.now() + 30_000;
    while ((await scrapeCounts(addr)).prom < 8) {
      if (Date.now() > warm) throw new Error('Prometheus is not scraping the target');
      await sleep(100);
    }
    const n0 = (await scrapeCounts(addr)).prom;
    const c0 = procCpuSeconds(prom.pid!);
    const w0 = Date.now();
    await sleep(PROM_WINDOW_MS);
    const c1 = procCpuSeconds(prom.pid!);
    const n1 = (await scrapeCounts(addr)).prom;
    const windowMs = Date.now() - w0;
    const scrapes = n1 - n0;
    const rawMs = ((c1 - c0) * 1000) / scrapes;
    const idleMs = (idlePerMs * windowMs * 1000) / 1000 / scrapes;
    return { scrapes, rawMs, netMs: rawMs - idleMs, idleShare: idlePerMs * 1000 };
  } finally {
    prom.kill('SIGTERM');
    await once(prom, 'exit');
  }
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'sonde-scrape-bench-'));
  const target = spawn(process.execPath, ['-e', TARGET], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const [port] = (await once(target, 'message')) as [number];
    const addr = `127.0.0.1:${port}`;
    const storage = await openStorage({ dir: join(dir, 'sonde'), maintenanceIntervalMs: 0 });
    const embedded = await benchSonde(addr, storage);
    await storage.close();
    const bare = await benchSonde(addr, discard);
    const prom = await benchPrometheus(addr, join(dir, 'prom'));

    const row = (name: string, ms: number, note: string) =>
      console.log(`${name.padEnd(44)} ${ms.toFixed(2).padStart(9)} ms  ${note}`);
    console.log(`\nCPU per scrape of one target with ${embedded.samples} series (lower is better)`);
    console.log(`${'side'.padEnd(44)} ${'CPU'.padStart(12)}`);
    row(
      'sonde: scrape + embedded store (WAL)',
      embedded.cpuMs,
      `${SONDE_SCRAPES} scrapes, wall ${embedded.wallMs.toFixed(1)} ms each`,
    );
    row('sonde: scrape path only (store discards)', bare.cpuMs, `wall ${bare.wallMs.toFixed(1)} ms each`);
    row('Prometheus 2.42: process CPU / scrape', prom.rawMs, `${prom.scrapes} scrapes at ${PROM_INTERVAL}`);
    row(
      'Prometheus 2.42: less its idle CPU',
      prom.netMs,
      `idle ${(prom.idleShare * 100).toFixed(2)}% of a core`,
    );
    console.log(
      `\nratio sonde/Prometheus (embedded store vs raw):  ${(embedded.cpuMs / prom.rawMs).toFixed(2)}x`,
    );
    console.log(
      `ratio sonde/Prometheus (embedded store vs net):  ${(embedded.cpuMs / prom.netMs).toFixed(2)}x`,
    );
    console.log(`ratio sonde/Prometheus (scrape path only vs raw): ${(bare.cpuMs / prom.rawMs).toFixed(2)}x`);
  } finally {
    target.kill();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
