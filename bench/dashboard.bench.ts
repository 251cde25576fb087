// The dashboard's two budgets (issue #7), against the real sonde server:
//   1. Overview ready (every host chart drawn with data) in Chromium, with
//      24 h of app data in the store: median and worst of 5 loads; budget 1 s.
//   2. 1,000 concurrent live streams (the Overview's queries, 1 update/s):
//      delivery lag per tick, p99 latency of API queries made meanwhile, and
//      the server's CPU; budgets p99 < 100 ms and < 1 core.
// Side by side, the peer way to get the same view: dashboards polling
// Prometheus (scraping node_exporter every second) with the same queries
// once a second, as Grafana does at a 1 s refresh; CPU per dashboard compared.
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostVitals } from '../packages/dashboard/src/lib/queries.js';
import { readSse } from '../packages/sonde/src/api/live/sse-reader.js';
import { importAppTraffic } from '../packages/sonde/test/dashboard/app-traffic.js';
import { launchBrowser } from '../packages/sonde/test/dashboard/browser.js';
import { freePort } from '../packages/sonde/test/support/peers.js';
import { startSondeProcess } from '../packages/sonde/test/support/sonde-process.js';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000);
const LOAD_SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const PEER_DASHBOARDS = Number(process.env.BENCH_PEER_DASHBOARDS ?? 50);
const QUERIES = hostVitals().flatMap((v) => v.queries);
/** Which parts to run (comma-separated): overview, streams, peer; all by default. */
const PARTS = new Set((process.env.BENCH_PARTS ?? 'overview,streams,peer').split(','));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function quantile(xs: number[], q: number): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
function cpuSeconds(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function overviewReady(url: string): Promise<number[]> {
  const browser = await launchBrowser();
  const times: number[] = [];
  try {
    for (let i = 0; i < 6; i++) {
      const page = await browser.context.newPage();
      await page.goto(`${url}/`, { waitUntil: 'commit' });
      const t = await page.waitForFunction(
        (n) => {
          const charts = document.querySelectorAll('[data-testid=vitals] figure.chart');
          const drawn = [...charts].filter(
            (c) => Number(c.getAttribute('data-points')) > 0 && c.querySelector('canvas'),
          );
          return drawn.length >= n ? performance.now() : false;
        },
        hostVitals().length,
        { timeout: 20_000, polling: 'raf' },
      );
      if (i > 0) times.push((await t.jsonValue()) as number); // the first load warms caches
      await page.close();
    }
  } finally {
    await browser.close();
  }
  return times;
}

interface LoadResult {
  lag: number[];
  apiLatency: number[];
  cpuCores: number;
  ticks: number;
  failed: number;
  seconds: number;
}

/** Runs in a child process: holds the streams, so their parsing does not delay the main process's API timings. */
async function streamWorker(url: string, streams: number): Promise<void> {
  const params = new URLSearchParams();
  for (const q of QUERIES) params.append('query', q);
  const lag: number[] = [];
  let ticks = 0;
  let failed = 0;
  let measuring = false;
  const ac = new AbortController();
  const readers: Promise<void>[] = [];
  process.on('message', (m: string) => {
    if (m === 'start') measuring = true;
    if (m === 'stop') {
      measuring = false;
      ac.abort();
      void Promise.allSettled(readers).then(() =>
        process.send!({ lag, ticks, failed }, () => process.exit(0)),
      );
    }
  });
  for (let i = 0; i < streams; i++) {
    readers.push(
      (async () => {
        try {
          const res = await fetch(`${url}/api/sonde/v1/live?${params}`, { signal: ac.signal });
          if (!res.ok || !res.body) {
            failed++;
            return;
          }
          for await (const ev of readSse(res.body)) {
            if (ev.event !== 'message' || !measuring) continue;
            ticks++;
            lag.push(Date.now() - Number(ev.id));
          }
        } catch {
          if (!ac.signal.aborted) failed++;
        }
      })(),
    );
    if (i % 100 === 99) await sleep(200);
  }
  process.send!('connected');
}

async function streamLoad(url: string, pid: number): Promise<LoadResult> {
  const worker = fork(new URL(import.meta.url), ['--stream-client', url, String(STREAMS)], {
    execArgv: ['--conditions=sonde-src', '--import', 'tsx'],
  });
  const messages: unknown[] = [];
  let wake: (() => void) | null = null;
  worker.on('message', (m) => {
    messages.push(m);
    wake?.();
  });
  const next = async () => {
    while (!messages.length) await new Promise<void>((r) => (wake = r));
    return messages.shift();
  };
  await next(); // 'connected'
  await sleep(3000); // all ticking
  worker.send('start');
  const apiLatency: number[] = [];
  const cpu0 = cpuSeconds(pid);
  const t0 = Date.now();
  while (Date.now() - t0 < LOAD_SECONDS * 1000) {
    const q = QUERIES[apiLatency.length % QUERIES.length];
    const s = performance.now();
    const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(q)}`);
    await r.arrayBuffer();
    apiLatency.push(performance.now() - s);
    await sleep(100);
  }
  const seconds = (Date.now() - t0) / 1000;
  const cpuCores = (cpuSeconds(pid) - cpu0) / seconds;
  worker.send('stop');
  const res = (await next()) as { lag: number[]; ticks: number; failed: number };
  return { ...res, apiLatency, cpuCores, seconds };
}

async function peerPolling(): Promise<{ cpuPerDashboard: number; latency: number[] } | string> {
  const dir = await mkdtemp(join(tmpdir(), 'sonde-bench-prom-'));
  const nePort = await freePort();
  const promPort = await freePort();
  const ne = spawn('/usr/bin/prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${nePort}`], {
    stdio: 'ignore',
  });
  await writeFile(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: ['127.0.0.1:${nePort}']\n`,
  );
  const prom = spawn(
    '/usr/bin/prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ],
    { stdio: 'ignore' },
  );
  const base = `http://127.0.0.1:${promPort}`;
  try {
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(`${base}/-/ready`)).ok) break;
      } catch {
        // starting
      }
      await sleep(200);
    }
    await sleep(12_000); // a few scrapes, so rate() over 10 s has data
    const latency: number[] = [];
    let stop = false;
    const dashboards = Array.from({ length: PEER_DASHBOARDS }, async (_, d) => {
      await sleep((d * 1000) / PEER_DASHBOARDS);
      while (!stop) {
        const started = Date.now();
        await Promise.all(
          QUERIES.map(async (q) => {
            const s = performance.now();
            const r = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}`);
            await r.arrayBuffer();
            latency.push(performance.now() - s);
          }),
        );
        await sleep(Math.max(0, 1000 - (Date.now() - started)));
      }
    });
    await sleep(2000);
    latency.length = 0;
    const cpu0 = cpuSeconds(prom.pid!);
    const t0 = Date.now();
    await sleep(LOAD_SECONDS * 1000);
    const cores = (cpuSeconds(prom.pid!) - cpu0) / ((Date.now() - t0) / 1000);
    stop = true;
    await Promise.all(dashboards);
    return { cpuPerDashboard: cores / PEER_DASHBOARDS, latency };
  } catch (err) {
    return `peer run failed: ${(err as Error).message}`;
  } finally {
    prom.kill('SIGTERM');
    ne.kill('SIGTERM');
    await Promise.all([once(prom, 'exit'), once(ne, 'exit')]);
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sonde-bench-dash-'));
  // BENCH_SONDE_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server.
  const nodeOptions = process.env.BENCH_SONDE_NODE_OPTIONS;
  const sonde = await startSondeProcess(
    ['--data-dir', dataDir],
    nodeOptions ? { NODE_OPTIONS: nodeOptions } : {},
  );
  try {
    const now = Date.now();
    const imported = await importAppTraffic(sonde.url, now - 86_400_000, now - 60_000, 60_000);
    await sleep(3000);
    const probe = await fetch(
      `${sonde.url}/api/v1/query_range?query=node_load1&start=${now / 1000 - 60}&end=${now / 1000}&step=1`,
    );
    const ready = PARTS.has('overview') ? await overviewReady(sonde.url) : [];
    const load = PARTS.has('streams')
      ? await streamLoad(sonde.url, sonde.child.pid!)
      : { lag: [], apiLatency: [], cpuCores: Number.NaN, ticks: 0, failed: 0, seconds: 1 };
    const peer = PARTS.has('peer') ? await peerPolling() : 'not run';

    console.log(`\nDashboard (sonde ${sonde.url}; ${imported} samples of 24 h app traffic imported)`);
    if (probe.status === 404)
      console.log(
        'note: this server has no /api/v1/query_range yet; charts filled from the live stream only',
      );
    console.log(
      `Overview ready (all ${hostVitals().length} host charts drawn), ${ready.length} loads: median ${ms(quantile(ready, 0.5))}, worst ${ms(Math.max(...ready))}  [budget 1000 ms]`,
    );
    console.log(`\n${STREAMS} live streams × ${QUERIES.length} queries, ${LOAD_SECONDS} s:`);
    console.log(
      `  ticks received      ${load.ticks} (${(load.ticks / load.seconds / STREAMS).toFixed(2)}/s per stream), failed streams ${load.failed}`,
    );
    console.log(
      `  tick delivery lag   p50 ${ms(quantile(load.lag, 0.5))}, p99 ${ms(quantile(load.lag, 0.99))} (from the tick's time; includes the 150 ms commit delay)`,
    );
    console.log(
      `  API query latency   p50 ${ms(quantile(load.apiLatency, 0.5))}, p99 ${ms(quantile(load.apiLatency, 0.99))}  [budget p99 < 100 ms]`,
    );
    console.log(`  server CPU          ${load.cpuCores.toFixed(3)} cores  [budget < 1 core]`);
    const sondePer = load.cpuCores / STREAMS;
    console.log('\n| live view, per dashboard | sonde (SSE stream) | Prometheus (polling 1/s) | ratio |');
    console.log('| --- | --- | --- | --- |');
    if (typeof peer === 'string')
      console.log(`| CPU per dashboard | ${(sondePer * 1000).toFixed(3)} ms/s | ${peer} | – |`);
    else {
      console.log(
        `| server CPU per dashboard | ${(sondePer * 1000).toFixed(3)} ms/s | ${(peer.cpuPerDashboard * 1000).toFixed(3)} ms/s (${PEER_DASHBOARDS} dashboards) | ${(peer.cpuPerDashboard / sondePer).toFixed(1)}× less for sonde |`,
      );
      console.log(
        `| query latency p99 | ${ms(quantile(load.apiLatency, 0.99))} | ${ms(quantile(peer.latency, 0.99))} | – |`,
      );
    }
  } finally {
    await sonde.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const client = process.argv.indexOf('--stream-client');
if (client < 0) await main();
else await streamWorker(process.argv[client + 1], Number(process.argv[client + 2]));
