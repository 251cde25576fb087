// PromQL query latency, sonde beside Prometheus 2.42 on the same data, in one run.
//   rate:      sum by (job) (rate(bench_requests_total[5m])) over 1,000 series, 24 h at a 60 s step
//   histogram: histogram_quantile(0.99, sum by (route, le) (rate(bench_latency_seconds_bucket[30m])))
//              over 100 routes × 8 buckets, 7 days at a 1 h step (scaled down: samples every 5 min)
//   regex:     count by (svc) (bench_paths{path=~"/api/(v1|v2)/.*"}) over 10,000 series, instant
// Prometheus gets the data by promtool backfill and is asked over HTTP; sonde evaluates
// in process over MemoryStorage and serialises the same JSON. Target (issue #5): within 2×.
// Then the event loop during heavy range queries: how late a 10 ms timer fires
// while the query runs (its longest stall, and p99).
// BENCH_PARTS=latency,eventloop picks parts (both by default; eventloop needs no Prometheus).
import { type WriteStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { resultJson } from '../packages/sonde/src/api/prometheus/json.js';
import { createQueryEngine } from '../packages/sonde/src/query/index.js';
import { MemoryStorage } from '../packages/sonde/src/storage/index.js';
import type { Labels } from '../packages/sonde/src/storage/types.js';
import { promQuery, startPrometheusWith } from '../packages/sonde/test/promql-diff/prometheus.js';

const DAY = 86_400_000;
const END = 1_700_000_000_000 - (1_700_000_000_000 % DAY);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const PARTS = new Set((process.env.BENCH_PARTS ?? 'latency,eventloop').split(','));

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Series {
  labels: Labels;
  start: number;
  step: number;
  values: Float64Array;
}

function* dataset(): Generator<Series> {
  const r = rng(7);
  // 1,000 counters, 24 h at 60 s.
  for (let i = 0; i < 1000; i++) {
    const n = 1441;
    const values = new Float64Array(n);
    let v = Math.floor(r() * 1000);
    for (let k = 0; k < n; k++) values[k] = v += Math.floor(r() * 100);
    yield {
      labels: { __name__: 'bench_requests_total', job: `job${i % 10}`, instance: `i${i}` },
      start: END - DAY,
      step: 60_000,
      values,
    };
  }
  // 100 routes × 8 buckets, 7 days at 5 min.
  const les = ['0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '+Inf'];
  for (let route = 0; route < 100; route++) {
    const n = 7 * 288 + 1;
    const cols = les.map(() => new Float64Array(n));
    const counts = les.map(() => 0);
    for (let k = 0; k < n; k++) {
      const obs = Math.floor(r() * 30);
      for (let o = 0; o < obs; o++) {
        const x = -Math.log(1 - r()) * 0.4;
        les.forEach((le, j) => {
          if (le === '+Inf' || x <= Number(le)) counts[j]++;
        });
      }
      les.forEach((_, j) => {
        cols[j][k] = counts[j];
      });
    }
    for (let j = 0; j < les.length; j++) {
      yield {
        labels: { __name__: 'bench_latency_seconds_bucket', route: `/r${route}`, le: les[j] },
        start: END - 7 * DAY,
        step: 300_000,
        values: cols[j],
      };
    }
  }
  // 10,000 series, 10 min at 60 s.
  const versions = ['v1', 'v2', 'v3', 'internal'];
  for (let i = 0; i < 10_000; i++) {
    const values = new Float64Array(11);
    for (let k = 0; k < 11; k++) values[k] = Math.floor(r() * 100);
    yield {
      labels: { __name__: 'bench_paths', svc: `svc${i % 20}`, path: `/api/${versions[i % 4]}/item${i}` },
      start: END - 600_000,
      step: 60_000,
      values,
    };
  }
}

/** One OpenMetrics file per 2 h window (promtool re-reads its input once per block). */
async function writeOpenMetrics(dir: string): Promise<string[]> {
  const WINDOW = 7_200_000;
  const files = new Map<number, { path: string; out: WriteStream; buf: string; lastName: string }>();
  const fileFor = async (w: number) => {
    let f = files.get(w);
    if (!f) {
      const path = join(dir, `w${w}.om`);
      f = { path, out: createWriteStream(path), buf: '', lastName: '' };
      files.set(w, f);
    }
    return f;
  };
  for (const s of dataset()) {
    const name = s.labels.__name__;
    const ls = Object.entries(s.labels)
      .filter(([k]) => k !== '__name__')
      .map(([k, v]) => `${k}="${v}"`)
      .join(',');
    for (let k = 0; k < s.values.length; k++) {
      const t = s.start + k * s.step;
      const f = await fileFor(Math.floor(t / WINDOW));
      if (f.lastName !== name) {
        f.buf += `# TYPE ${name} unknown\n`;
        f.lastName = name;
      }
      f.buf += `${name}{${ls}} ${s.values[k]} ${t / 1000}\n`;
      if (f.buf.length > 1 << 20) {
        if (!f.out.write(f.buf)) await once(f.out, 'drain');
        f.buf = '';
      }
    }
  }
  for (const f of files.values()) {
    f.out.write(`${f.buf}# EOF\n`);
    f.out.end();
    await once(f.out, 'finish');
  }
  return [...files.values()].map((f) => f.path);
}

async function loadSonde(storage: MemoryStorage): Promise<number> {
  let total = 0;
  for (const s of dataset()) {
    const app = storage.appender();
    for (let k = 0; k < s.values.length; k++) app.append(s.labels, s.start + k * s.step, s.values[k]);
    total += (await app.commit()).accepted;
  }
  return total;
}

interface Case {
  name: string;
  query: string;
  range?: { start: number; end: number; step: number };
  time?: number;
}

const CASES: Case[] = [
  {
    name: 'rate, 1k series, 24h @60s',
    query: 'sum by (job) (rate(bench_requests_total[5m]))',
    range: { start: END - DAY, end: END, step: 60_000 },
  },
  {
    name: 'histogram_quantile, 100 routes, 7d @1h',
    query: 'histogram_quantile(0.99, sum by (route, le) (rate(bench_latency_seconds_bucket[30m])))',
    range: { start: END - 7 * DAY, end: END, step: 3_600_000 },
  },
  {
    name: 'regex selector, 10k series',
    query: 'count by (svc) (bench_paths{path=~"/api/(v1|v2)/.*"})',
    time: END,
  },
  {
    name: 'regex selector, 10k series, raw',
    query: 'bench_paths{path=~"/api/(v1|v2)/.*"}',
    time: END,
  },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const HEAVY: Case[] = [
  {
    name: 'rate, 1k series, 24h @15s',
    query: 'sum by (job) (rate(bench_requests_total[5m]))',
    range: { start: END - DAY, end: END, step: 15_000 },
  },
  {
    name: 'quantile_over_time 1h, 1k series, 24h @60s',
    query: 'quantile_over_time(0.9, bench_requests_total[1h])',
    range: { start: END - DAY, end: END, step: 60_000 },
  },
];

/** Runs each heavy query while a 10 ms timer watches the event loop: how late it fires. */
async function eventLoop(engine: ReturnType<typeof createQueryEngine>): Promise<void> {
  console.log("\nevent loop while a heavy range query runs (median of 3 runs; a 10 ms timer's lateness)");
  console.log('query                                          query ms  longest stall ms  p99 late ms');
  for (const c of HEAVY) {
    const rows: number[][] = [];
    for (let run = 0; run < 4; run++) {
      const late: number[] = [];
      let stop = false;
      const timer = (async () => {
        let last = performance.now();
        while (!stop) {
          await new Promise((r) => setTimeout(r, 10));
          const now = performance.now();
          late.push(Math.max(0, now - last - 10));
          last = now;
        }
      })();
      await new Promise((r) => setTimeout(r, 30));
      late.length = 0;
      const t = performance.now();
      await engine.range(c.query, c.range!.start, c.range!.end, c.range!.step);
      const ms = performance.now() - t;
      await new Promise((r) => setTimeout(r, 15)); // the timer's late firing lands
      stop = true;
      await timer;
      const sorted = [...late].sort((x, y) => x - y);
      const p99 = sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))] ?? 0;
      if (run > 0) rows.push([ms, sorted[sorted.length - 1] ?? 0, p99]);
    }
    const med = (i: number) => median(rows.map((r) => r[i]));
    console.log(
      `${c.name.padEnd(45)}  ${med(0).toFixed(0).padStart(8)}  ${med(1).toFixed(1).padStart(16)}  ${med(2).toFixed(1).padStart(11)}`,
    );
  }
}

async function main(): Promise<void> {
  if (!PARTS.has('latency')) {
    const storage = new MemoryStorage();
    await loadSonde(storage);
    await eventLoop(createQueryEngine(storage));
    return;
  }
  const t0 = performance.now();
  const prom = await startPrometheusWith(writeOpenMetrics);
  console.log(`prometheus: backfilled and ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  try {
    const storage = new MemoryStorage();
    const t1 = performance.now();
    const samples = await loadSonde(storage);
    console.log(
      `sonde: ${samples.toLocaleString('en-US')} samples loaded in ${((performance.now() - t1) / 1000).toFixed(1)} s`,
    );
    const engine = createQueryEngine(storage);
    const rows: string[][] = [];
    for (const c of CASES) {
      const sonde: number[] = [];
      const peer: number[] = [];
      let sondeSeries = 0;
      let peerSeries = 0;
      for (let i = 0; i < RUNS + 1; i++) {
        let t = performance.now();
        const v = c.range
          ? await engine.range(c.query, c.range.start, c.range.end, c.range.step)
          : await engine.instant(c.query, c.time!);
        const json = resultJson(v);
        const sondeMs = performance.now() - t;
        sondeSeries = v.type === 'matrix' ? v.series.length : v.type === 'vector' ? v.samples.length : 1;
        t = performance.now();
        const params: Record<string, string> = c.range
          ? {
              query: c.query,
              start: String(c.range.start / 1000),
              end: String(c.range.end / 1000),
              step: String(c.range.step / 1000),
            }
          : { query: c.query, time: String(c.time! / 1000) };
        const r = await promQuery(prom.url, c.range ? '/api/v1/query_range' : '/api/v1/query', params);
        const peerMs = performance.now() - t;
        if (r.status !== 'success') throw new Error(`prometheus: ${r.error}`);
        peerSeries = (r.data!.result as unknown[]).length;
        if (json.length === 0) throw new Error('empty result');
        if (i > 0) {
          sonde.push(sondeMs);
          peer.push(peerMs);
        }
      }
      if (sondeSeries !== peerSeries)
        throw new Error(`${c.name}: sonde ${sondeSeries} series vs prometheus ${peerSeries}`);
      const s = median(sonde);
      const p = median(peer);
      rows.push([c.name, `${sondeSeries}`, s.toFixed(1), p.toFixed(1), (s / p).toFixed(2)]);
    }
    const head = ['query', 'series', 'sonde ms', 'prometheus ms', 'ratio'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) =>
      r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    console.log(`\nmedian of ${RUNS} runs (ratio = sonde / prometheus; target <= 2)`);
    console.log(line(head));
    for (const r of rows) console.log(line(r));
    if (PARTS.has('eventloop')) await eventLoop(engine);
  } finally {
    await prom.stop();
  }
}

await main();
