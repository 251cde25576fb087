// @sonde/sdk against prom-client, side by side in one process: hot-path cost
// of counters and histograms, exposition of 10,000 series, quantile accuracy
// on 10^6 lognormal latencies, and HTTP middleware overhead under autocannon.
// Run: npm run bench -- sdk   (bounded to well under two minutes)
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as sonde from '@sonde/sdk';

const require = createRequire(import.meta.url);
const sdkDir = fileURLToPath(new URL('../packages/sdk/', import.meta.url));
const requireSdk = createRequire(sdkDir);
const prom = requireSdk('prom-client');

// ---- child mode: a hello-world server, plain or instrumented, for autocannon
function childServer() {
  const hello = (_req: unknown, res: import('node:http').ServerResponse) => {
    res.setHeader('content-type', 'text/plain');
    res.end('hello world');
  };
  const handler =
    process.env.SDK_BENCH_SERVER === 'sonde' ? sonde.instrument(hello, { route: () => '/' }) : hello;
  const server = createServer(handler);
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
  });
  process.on('message', () => server.close(() => process.exit(0)));
}

type Env = Record<string, unknown>;

/** ns per call of `body` (a statement using `i`), compiled fresh so each case has its own type feedback. */
function nsPerOp(body: string, env: Env, n: number): number {
  const names = Object.keys(env);
  const loop = new Function(...names, `return function (n) { for (let i = 0; i < n; i++) { ${body} } }`)(
    ...names.map((k) => env[k]),
  ) as (n: number) => void;
  loop(Math.min(n, 200_000));
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 5; r++) {
    const t = process.hrtime.bigint();
    loop(n);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / n);
  }
  return best;
}

const rows: [string, string, string, string, string][] = [];
function row(what: string, ours: number, theirs: number, unit: string, target: string) {
  const ratio = theirs / ours;
  rows.push([what, `${fmt(ours)} ${unit}`, `${fmt(theirs)} ${unit}`, `${ratio.toFixed(2)}x`, target]);
}
function fmt(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function lognormal(n: number, mu: number, sigma: number, seed = 7): Float64Array {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = 1 - rnd();
    out[i] = Math.exp(mu + sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd()));
  }
  return out;
}

/** histogram_quantile() over classic buckets, as Prometheus computes it. */
function bucketQuantile(q: number, bounds: number[], cumulative: number[]): number {
  const total = cumulative[cumulative.length - 1];
  const rank = q * total;
  let i = 0;
  while (i < cumulative.length - 1 && cumulative[i] < rank) i++;
  if (i === bounds.length) return bounds[bounds.length - 1];
  const lo = i === 0 ? 0 : bounds[i - 1];
  const below = i === 0 ? 0 : cumulative[i - 1];
  return lo + ((bounds[i] - lo) * (rank - below)) / (cumulative[i] - below);
}

async function hotPaths() {
  const N = 5_000_000;
  const vals = lognormal(4096, Math.log(0.05), 1);
  const libs = { sonde, prom } as const;
  const r: Record<string, Record<string, number>> = { sonde: {}, prom: {} };
  for (const round of [0, 1]) {
    for (const lib of round === 0 ? (['prom', 'sonde'] as const) : (['sonde', 'prom'] as const)) {
      const L = libs[lib] as typeof sonde;
      const reg = new L.Registry();
      const c = new L.Counter({ name: 'c_total', help: 'h', registers: [reg] });
      const cl = new L.Counter({
        name: 'cl_total',
        help: 'h',
        labelNames: ['method', 'code'],
        registers: [reg],
      });
      const child = cl.labels('GET', '200');
      const h = new L.Histogram({ name: 'h_seconds', help: 'h', registers: [reg] });
      const hl = new L.Histogram({ name: 'hl_seconds', help: 'h', labelNames: ['route'], registers: [reg] });
      const hchild = hl.labels('/users/:id');
      const set = (k: string, v: number) => {
        r[lib][k] = Math.min(r[lib][k] ?? Number.POSITIVE_INFINITY, v);
      };
      set('inc', nsPerOp('c.inc();', { c }, N));
      set('incLabels', nsPerOp("cl.inc({ method: 'GET', code: '200' });", { cl }, N / 5));
      set('incChild', nsPerOp('child.inc();', { child }, N));
      set('observe', nsPerOp('h.observe(vals[i & 4095]);', { h, vals }, N / 2));
      set(
        'observeLabels',
        nsPerOp("hl.observe({ route: '/users/:id' }, vals[i & 4095]);", { hl, vals }, N / 5),
      );
      set('observeChild', nsPerOp('hchild.observe(vals[i & 4095]);', { hchild, vals }, N / 2));
    }
  }
  row('counter inc(), no labels', r.sonde.inc, r.prom.inc, 'ns', 'ratio >= 1');
  row('counter inc({labels})', r.sonde.incLabels, r.prom.incLabels, 'ns', 'ratio >= 1');
  row('counter labels(..).inc() (bound)', r.sonde.incChild, r.prom.incChild, 'ns', 'ratio >= 1');
  row('histogram observe(v)', r.sonde.observe, r.prom.observe, 'ns', 'ratio >= 2');
  row('histogram observe({labels}, v)', r.sonde.observeLabels, r.prom.observeLabels, 'ns', 'ratio >= 2');
  row('histogram labels(..).observe(v)', r.sonde.observeChild, r.prom.observeChild, 'ns', 'ratio >= 2');
}

async function exposition() {
  const vals = lognormal(4096, Math.log(0.05), 1);
  const ms: Record<string, Record<string, number>> = { sonde: {}, prom: {} };
  for (const lib of ['prom', 'sonde'] as const) {
    const L = (lib === 'sonde' ? sonde : prom) as typeof sonde;
    const regC = new L.Registry();
    const c = new L.Counter({ name: 'req_total', help: 'h', labelNames: ['route', 'id'], registers: [regC] });
    const regH = new L.Registry();
    const h = new L.Histogram({
      name: 'lat_seconds',
      help: 'h',
      labelNames: ['route', 'id'],
      registers: [regH],
    });
    for (let i = 0; i < 10_000; i++) {
      c.inc({ route: `/r${i % 100}`, id: `s${i}` }, i);
      h.observe({ route: `/r${i % 100}`, id: `s${i}` }, vals[i & 4095]);
    }
    const time = async (reg: sonde.Registry, reps: number) => {
      for (let k = 0; k < 2; k++) await reg.metrics();
      let best = Number.POSITIVE_INFINITY;
      for (let k = 0; k < reps; k++) {
        c.inc({ route: '/r1', id: 's1' });
        const t = performance.now();
        const text = await reg.metrics();
        // what a server does next: encode it (this also flattens string ropes)
        const bytes = Buffer.byteLength(text);
        best = Math.min(best, performance.now() - t);
        if (bytes < 10_000) throw new Error('exposition too short');
      }
      return best;
    };
    ms[lib].counter = await time(regC, 15);
    ms[lib].histogram = await time(regH, 5);
  }
  row('metrics(): 10,000 counter series', ms.sonde.counter, ms.prom.counter, 'ms', 'ratio >= 2');
  row('metrics(): 10,000 histogram series', ms.sonde.histogram, ms.prom.histogram, 'ms', 'ratio >= 2');
}

/** Memory per histogram series holding 100 observations spread over ~4 decades. */
function memory() {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  const vals = lognormal(4096, Math.log(0.05), 2);
  const out: Record<string, number> = {};
  let sketchBytes = 0;
  let scale = 0;
  for (const lib of ['prom', 'sonde'] as const) {
    const L = (lib === 'sonde' ? sonde : prom) as typeof sonde;
    gc();
    const before = process.memoryUsage().heapUsed;
    const h = new L.Histogram({ name: 'mem_seconds', help: 'h', labelNames: ['id'], registers: [] });
    for (let i = 0; i < 2000; i++)
      for (let k = 0; k < 100; k++) h.observe({ id: `s${i}` }, vals[(i * 100 + k) & 4095]);
    gc();
    out[lib] = (process.memoryUsage().heapUsed - before) / 2000;
    if (lib === 'sonde') {
      for (const s of h.series) sketchBytes += s.sketch.byteSize();
      sketchBytes /= 2000;
      scale = h.labels('s0').sketch.scale;
    }
  }
  console.log(
    `\nmemory per histogram series (100 observations over ~4 decades): prom-client ${(out.prom / 1024).toFixed(1)} KiB; ` +
      `sonde ${(out.sonde / 1024).toFixed(1)} KiB on the JS heap + ${(sketchBytes / 1024).toFixed(1)} KiB of sketch buckets ` +
      `(scale ${scale})`,
  );
}

function accuracy() {
  const n = 1_000_000;
  const data = lognormal(n, Math.log(0.05), 1, 99);
  const bounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  const counts = new Array(bounds.length + 1).fill(0);
  const reg = new sonde.Registry();
  const h = new sonde.Histogram({ name: 'lat_seconds', help: 'h', registers: [reg] });
  for (const v of data) {
    h.observe(v);
    let i = 0;
    while (i < bounds.length && v > bounds[i]) i++;
    counts[i]++;
  }
  // prom-client's buckets are the same defaults; use its own counts for fidelity
  const ph = new prom.Histogram({ name: 'lat_seconds', help: 'h', registers: [] });
  for (const v of data) ph.observe(v);
  const promBuckets = ph.hashMap[''].bucketValues as Record<string, number>;
  const cumulative: number[] = [];
  let acc = 0;
  for (const b of bounds) cumulative.push((acc += promBuckets[b]));
  cumulative.push(n);
  const sorted = Float64Array.from(data).sort();
  const out: string[][] = [];
  let worst = 0;
  for (const q of [0.5, 0.9, 0.99, 0.999]) {
    const exact = sorted[Math.floor(q * (n - 1))];
    const ours = h.percentile(q);
    const theirs = bucketQuantile(q, bounds, cumulative);
    const eo = Math.abs(ours - exact) / exact;
    const et = Math.abs(theirs - exact) / exact;
    worst = Math.max(worst, eo);
    out.push([
      `p${q * 100}`,
      exact.toPrecision(5),
      `${ours.toPrecision(5)} (${(eo * 100).toFixed(3)}%)`,
      `${theirs.toPrecision(5)} (${(et * 100).toFixed(2)}%)`,
    ]);
  }
  console.log('\nquantile error on 10^6 lognormal latencies (median 50 ms, sigma 1)');
  console.log(table([['quantile', 'exact', 'sonde sketch', 'prom-client default buckets'], ...out]));
  console.log(`worst sonde relative error: ${(worst * 100).toFixed(3)}% (target <= 1%)`);
}

async function loadTest(mode: 'plain' | 'sonde', seconds: number): Promise<number> {
  const autocannon = requireSdk('autocannon');
  const child = spawn(
    process.execPath,
    ['--conditions=sonde-src', '--import', 'tsx', fileURLToPath(import.meta.url)],
    {
      env: { ...process.env, SDK_BENCH_SERVER: mode },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
    child.once('exit', () => reject(new Error('server exited')));
  });
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/`,
    connections: 20,
    pipelining: 1,
    duration: seconds,
  });
  child.send('stop');
  await new Promise((r) => child.once('exit', r));
  return result.requests.average as number;
}

/** Instrumentation cost per request, without the network: fake req/res through instrument(). */
async function middlewareCost(): Promise<number> {
  const { EventEmitter } = await import('node:events');
  const reg = new sonde.Registry();
  const handler = sonde.instrument(
    (_req: unknown, res: { statusCode: number }) => {
      res.statusCode = 200;
    },
    { registry: reg, route: () => '/' },
  );
  const run = async (n: number) => {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const req = { method: 'GET', url: '/', headers: {} };
      const res = new EventEmitter() as EventEmitter & { statusCode: number };
      res.statusCode = 200;
      (handler as (a: unknown, b: unknown) => void)(req, res);
      res.emit('close');
    }
    await new Promise((r) => setImmediate(r));
    return Number(process.hrtime.bigint() - t) / n;
  };
  const base = async (n: number) => {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const res = new EventEmitter() as EventEmitter & { statusCode: number };
      res.statusCode = 200;
      res.emit('close');
    }
    await new Promise((r) => setImmediate(r));
    return Number(process.hrtime.bigint() - t) / n;
  };
  await run(50_000);
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 5; r++) best = Math.min(best, (await run(100_000)) - (await base(100_000)));
  return best;
}

async function middleware() {
  const cost = await middlewareCost();
  const plain: number[] = [];
  const inst: number[] = [];
  for (let i = 0; i < 4; i++) {
    plain.push(await loadTest('plain', 3));
    inst.push(await loadTest('sonde', 3));
  }
  const best = (xs: number[]) => Math.max(...xs);
  const ratio = best(inst) / best(plain);
  console.log(
    '\nHTTP middleware on a hello-world node:http server (autocannon, 20 connections, 4 x 3 s alternating)',
  );
  console.log(
    table([
      ['server', 'req/s per run', 'best'],
      ['uninstrumented', plain.map((x) => x.toFixed(0)).join(' / '), best(plain).toFixed(0)],
      ['sonde instrument()', inst.map((x) => x.toFixed(0)).join(' / '), best(inst).toFixed(0)],
    ]),
  );
  const perReq = 1e9 / best(plain);
  console.log(
    `instrumented / uninstrumented (best runs): ${(ratio * 100).toFixed(1)}% (target >= 95%; runs vary with machine load)`,
  );
  console.log(
    `instrumentation cost measured without the network: ${(cost / 1000).toFixed(2)} µs/request = ` +
      `${((cost / perReq) * 100).toFixed(1)}% of an uninstrumented request (${(perReq / 1000).toFixed(1)} µs) -> ` +
      `expected ${(100 / (1 + cost / perReq)).toFixed(1)}% of its req/s`,
  );
}

function table(rowsIn: string[][]): string {
  const widths = rowsIn[0].map((_, c) => Math.max(...rowsIn.map((r) => r[c].length)));
  return rowsIn.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ')).join('\n');
}

async function main() {
  void require;
  console.log(
    '@sonde/sdk vs prom-client',
    requireSdk('prom-client/package.json').version,
    `(node ${process.version})`,
  );
  const only = process.argv.includes('--http-only');
  if (process.argv.includes('--hot-only')) {
    await hotPaths();
    console.log(table([['operation', 'sonde', 'prom-client', 'speed-up', 'target'], ...rows]));
    return;
  }
  if (!only) {
    await hotPaths();
    await exposition();
    console.log(table([['operation', 'sonde', 'prom-client', 'speed-up', 'target'], ...rows]));
    accuracy();
    memory();
  }
  if (!process.argv.includes('--no-http')) await middleware();
}

if (process.env.SDK_BENCH_SERVER) childServer();
else await main();
