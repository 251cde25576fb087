// The embedded store beside Prometheus's TSDB on the same realistic data
// (bench/lib/host-data.ts: node_exporter-like host series at 1 s plus an
// app's counters and latency histograms): bytes on disk for the raw tier,
// written into sonde through its append API and backfilled into Prometheus
// with `promtool tsdb create-blocks-from openmetrics`. Then sonde alone:
// append throughput, head memory per series, range reads, restart time.
//
// Default run: 1 hour of data for the density comparison, the full-size raw
// read (1,000 series × 24 h at 1 s; SONDE_BENCH_READ_STEP_MS=30000 for a
// quick one) and the full-size restart (10,000 series, 100 million samples):
// several minutes. SONDE_BENCH_FULL=1 runs a full day for the density;
// SONDE_BENCH_RESTART_SAMPLES=N sizes the restart store (SONDE_BENCH_RESTART=0
// skips it, SONDE_BENCH_RESTART_PEER=0 skips Prometheus's side of it);
// SONDE_BENCH_ONLY=head,reads,… runs only the parts named (density, head,
// reads, rollup, crash, restart).
import { execFileSync, spawn } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type EmbeddedStorage, openStorage } from '../packages/sonde/src/storage/index.js';
import type { HistogramSample, Labels } from '../packages/sonde/src/storage/index.js';
import { hostData } from './lib/host-data.js';

const FULL = process.env.SONDE_BENCH_FULL === '1';
const HOURS = FULL ? 24 : 1;
const OUT = fileURLToPath(new URL('../.bench-out/storage/', import.meta.url));
const PROMTOOL = '/usr/bin/promtool';
const PROMETHEUS = '/usr/bin/prometheus';
const START = Math.floor((Date.now() - HOURS * 3_600_000 - 3_600_000) / 3_600_000) * 3_600_000;

const rows: [string, string, string, string][] = [];
const row = (what: string, sonde: string, peer = '', ratio = '') => {
  rows.push([what, sonde, peer, ratio]);
  console.log(`  ${what}: ${sonde}${peer ? `  (prometheus ${peer}, ratio ${ratio})` : ''}`);
};

function du(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((n, f) => n + du(join(path, f)), 0);
}

const mb = (b: number) => `${(b / 1048576).toFixed(2)} MiB`;
/** Full collections until array buffers are swept too. */
async function gc(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Classic buckets for the app histograms, so both stores hold the same float series. */
const LE = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
function classic(h: HistogramSample): number[] {
  const out = new Array(LE.length + 1).fill(0);
  const base = 2 ** (2 ** -h.schema);
  h.positive.counts.forEach((c, i) => {
    const upper = base ** (h.positive.offset + i);
    for (let k = 0; k < LE.length; k++) if (upper <= LE[k]) out[k] += c;
  });
  out[LE.length] = h.count;
  return out;
}

interface Dataset {
  labels: Labels[];
  t: Float64Array[];
  v: Float64Array[];
  nativeLabels: Labels[];
  native: HistogramSample[][];
  nativeT: number[][];
  samples: number;
}

function generate(hours: number, jitter: boolean): Dataset {
  const d = hostData(42, START, 1, jitter);
  const n = hours * 3600;
  const labels: Labels[] = d.floats.map((f) => f.labels);
  for (const h of d.hists) {
    for (const le of [...LE.map(String), '+Inf'])
      labels.push({ ...h.labels, __name__: `${h.labels.__name__}_bucket`, le });
    labels.push({ ...h.labels, __name__: `${h.labels.__name__}_sum` });
    labels.push({ ...h.labels, __name__: `${h.labels.__name__}_count` });
  }
  const t = labels.map(() => new Float64Array(n));
  const v = labels.map(() => new Float64Array(n));
  const native = d.hists.map(() => [] as HistogramSample[]);
  const nativeT = d.hists.map(() => [] as number[]);
  const r = Math.random;
  for (let i = 0; i < n; i++) {
    const { tHost, tApp } = d.cycle(i);
    let k = 0;
    for (const f of d.floats) {
      t[k][i] = f.labels.job === 'api' ? tApp : tHost;
      v[k][i] = f.next(r, i);
      k++;
    }
    d.hists.forEach((h, j) => {
      const hs = h.next(r);
      native[j].push(hs);
      nativeT[j].push(tApp);
      const buckets = classic(hs);
      for (const b of buckets) {
        t[k][i] = tApp;
        v[k++][i] = b;
      }
      t[k][i] = tApp;
      v[k++][i] = hs.sum;
      t[k][i] = tApp;
      v[k++][i] = hs.count;
    });
  }
  return {
    labels,
    t,
    v,
    nativeLabels: d.hists.map((h) => h.labels),
    native,
    nativeT,
    samples: labels.length * n,
  };
}

async function writeOpenMetrics(ds: Dataset, file: string): Promise<void> {
  const out = createWriteStream(file);
  const byName = new Map<string, number[]>();
  for (let i = 0; i < ds.labels.length; i++) {
    const name = ds.labels[i].__name__;
    const list = byName.get(name);
    if (list) list.push(i);
    else byName.set(name, [i]);
  }
  let buf = '';
  const flush = async () => {
    if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
    buf = '';
  };
  for (const [, idx] of byName) {
    for (const i of idx) {
      const l = ds.labels[i];
      const ls = Object.keys(l)
        .filter((k) => k !== '__name__')
        .map((k) => `${k}="${l[k]}"`)
        .join(',');
      const head = `${l.__name__}{${ls}} `;
      for (let j = 0; j < ds.t[i].length; j++) {
        buf += `${head}${ds.v[i][j]} ${(ds.t[i][j] / 1000).toFixed(3)}\n`;
        if (buf.length > 1 << 20) await flush();
      }
    }
  }
  buf += '# EOF\n';
  await flush();
  await new Promise<void>((r) => out.end(r));
}

/** CPU time of this process (main thread, GC, I/O threads) in ms: the machine may be shared and busy. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const both = (wall: number, cpu: number) => `${wall.toFixed(0)} ms wall, ${cpu.toFixed(0)} ms CPU`;

async function ingest(
  db: EmbeddedStorage,
  ds: Dataset,
  cyclesPerCommit = 10,
): Promise<{ wall: number; cpu: number }> {
  const n = ds.t[0].length;
  let elapsed = 0;
  let cpu = 0;
  const app = db.appender();
  for (let i = 0; i < n; i += cyclesPerCommit) {
    const started = performance.now();
    const cpuStarted = cpuMs();
    const end = Math.min(n, i + cyclesPerCommit);
    for (let k = 0; k < ds.labels.length; k++) {
      const l = ds.labels[k];
      const t = ds.t[k];
      const v = ds.v[k];
      for (let j = i; j < end; j++) app.append(l, t[j], v[j]);
    }
    for (let h = 0; h < ds.native.length; h++) {
      for (let j = i; j < end; j++)
        app.appendHistogram(ds.nativeLabels[h], ds.nativeT[h][j], ds.native[h][j]);
    }
    await app.commit();
    elapsed += performance.now() - started;
    cpu += cpuMs() - cpuStarted;
    if ((i / cyclesPerCommit) % 60 === 0) await db.maintain();
  }
  return { wall: elapsed, cpu };
}

async function storeBytes(dir: string): Promise<{ raw: number; rollup1m: number; rollup1h: number }> {
  const db = await openStorage({ dir, maintenanceIntervalMs: 0 });
  const st = db.stats();
  await db.close();
  const other = du(dir) - du(join(dir, 'blocks'));
  return {
    raw: st.tiers[0].bytesOnDisk + other,
    rollup1m: st.tiers[1].bytesOnDisk,
    rollup1h: st.tiers[2].bytesOnDisk,
  };
}

async function prometheusBytes(ds: Dataset, name: string): Promise<number> {
  if (!existsSync(PROMTOOL)) return 0;
  const om = join(OUT, `${name}.om.txt`);
  await writeOpenMetrics(ds, om);
  const promDir = join(OUT, `prometheus-${name}`);
  rmSync(promDir, { recursive: true, force: true });
  mkdirSync(promDir, { recursive: true });
  execFileSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', om, promDir], { stdio: 'ignore' });
  rmSync(om, { force: true });
  return du(promDir);
}

async function density(jitter: boolean): Promise<void> {
  const what = jitter ? 'timestamps as collected (0-5 ms jitter)' : 'timestamps aligned to the second';
  console.log(`\n# bytes on disk, raw tier: ${HOURS} h of host + app data at 1 s, ${what}`);
  const ds = generate(HOURS, jitter);
  const nHist = ds.native.reduce((n, h) => n + h.length, 0);
  console.log(
    `  ${ds.labels.length} float series (app histograms as classic buckets), ${ds.samples} samples`,
  );
  const dir = join(OUT, `sonde-${jitter ? 'jitter' : 'aligned'}`);
  rmSync(dir, { recursive: true, force: true });
  const db = await openStorage({ dir, maintenanceIntervalMs: 0 });
  const native = ds.native;
  ds.native = []; // the float comparison holds exactly the data Prometheus gets
  const ms = await ingest(db, ds);
  ds.native = native;
  await db.flush();
  for (let i = 0; i < 16; i++) await db.compact();
  await db.close();
  const sonde = await storeBytes(dir);
  const prom = await prometheusBytes(ds, jitter ? 'jitter' : 'aligned');
  const ratio = (a: number, b: number) => (b ? (a / b).toFixed(3) : 'n/a');
  row(
    `raw tier, everything included (${what})`,
    `${mb(sonde.raw)}, ${(sonde.raw / ds.samples).toFixed(3)} B/sample`,
    prom ? `${mb(prom)}, ${(prom / ds.samples).toFixed(3)} B/sample` : '',
    ratio(sonde.raw, prom),
  );
  if (jitter) {
    row('rollup tiers (sonde only)', `1m ${mb(sonde.rollup1m)}, 1h ${mb(sonde.rollup1h)}`);
    row(
      'append throughput (batched, one core, incl. WAL fsync)',
      `${Math.round(ds.samples / (ms.wall / 1000)).toLocaleString('en')} samples/s wall, ${Math.round(ds.samples / (ms.cpu / 1000)).toLocaleString('en')} per CPU-second`,
    );
    // the app's latency histograms as native exponential histograms, alone
    const hdir = join(OUT, 'sonde-native');
    rmSync(hdir, { recursive: true, force: true });
    const hdb = await openStorage({ dir: hdir, maintenanceIntervalMs: 0 });
    const app = hdb.appender();
    for (let h = 0; h < native.length; h++) {
      for (let j = 0; j < native[h].length; j++)
        app.appendHistogram(ds.nativeLabels[h], ds.nativeT[h][j], native[h][j]);
      await app.commit();
    }
    await hdb.flush();
    for (let i = 0; i < 16; i++) await hdb.compact();
    await hdb.close();
    const hb = (await storeBytes(hdir)).raw;
    const buckets =
      native.reduce((n, h) => n + h.reduce((m, x) => m + x.positive.counts.length, 0), 0) / nHist;
    row(
      `native histograms (${native.length} series, ~${Math.round(buckets)} buckets each)`,
      `${(hb / nHist).toFixed(1)} B/histogram sample`,
    );
  }
}

async function headMemory(): Promise<void> {
  console.log('\n# head memory');
  const dir = join(OUT, 'head');
  rmSync(dir, { recursive: true, force: true });
  const SERIES = 20_000;
  const db = await openStorage({ dir, maintenanceIntervalMs: 0 });
  const labels: Labels[] = [];
  for (let i = 0; i < SERIES; i++) {
    labels.push({
      __name__: `app_metric_${i % 50}`,
      instance: `host-${i % 40}:9100`,
      job: 'node',
      id: String(i),
    });
  }
  await gc();
  const before = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const app = db.appender();
  const now = Date.now() - 3_600_000;
  for (let s = 0; s < 60; s++) {
    for (let i = 0; i < SERIES; i++) app.append(labels[i], now + s * 1000, (s * i) % 1000);
    await app.commit();
  }
  await gc();
  const after = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const perSeries = (after - before) / SERIES;
  // the open chunk holds its samples raw (16 B each) until it is sealed (compressed) at 128
  const chunkBytes = db.headUsage().sampleBytes / SERIES;
  row('head memory per active series (60 samples each)', `${Math.round(perSeries)} B total`);
  row('  of which sample data (open chunk, raw)', `${Math.round(chunkBytes)} B`);
  row('  beyond the chunk bytes', `${Math.round(perSeries - chunkBytes)} B (target < 1024)`);
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}

async function reads(): Promise<void> {
  console.log('\n# range reads and restart');
  const dir = join(OUT, 'reads');
  rmSync(dir, { recursive: true, force: true });
  const step = Number(process.env.SONDE_BENCH_READ_STEP_MS ?? 1000);
  const SERIES = 1000;
  const day = 86_400_000;
  const end = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
  const start = end - day;
  let db = await openStorage({ dir, maintenanceIntervalMs: 0 });
  const labels: Labels[] = [];
  for (let i = 0; i < SERIES; i++)
    labels.push({ __name__: 'node_cpu_seconds_total', cpu: String(i), mode: 'idle' });
  const app = db.appender();
  let samples = 0;
  const vals = new Float64Array(SERIES);
  for (let t = start; t < end; t += step) {
    for (let i = 0; i < SERIES; i++) {
      vals[i] = Math.round((vals[i] + step / 1000 - Math.random() * 0.05) * 100) / 100;
      app.append(labels[i], t, vals[i]);
    }
    samples += SERIES;
    if (samples % (SERIES * 200) === 0) {
      await app.commit();
      await db.maintain();
    }
  }
  await app.commit();
  await db.flush();
  for (let i = 0; i < 8; i++) await db.compact();
  // the first read runs the decoders cold (not yet compiled); later ones are what a dashboard sees
  const times: [number, number][] = [];
  let got = 0;
  for (let rep = 0; rep < 3; rep++) {
    const rq = db.querier();
    const began = performance.now();
    const cpuBegan = cpuMs();
    got = 0;
    for (const s of rq.select(
      [{ type: '=', name: '__name__', value: 'node_cpu_seconds_total' }],
      start,
      end,
    )) {
      got += s.t.length;
    }
    times.push([performance.now() - began, cpuMs() - cpuBegan]);
    rq.close();
  }
  const best = times.slice(1).reduce((a, b) => (b[0] < a[0] ? b : a));
  row(
    `${SERIES} series × 24 h raw (${step / 1000} s step, ${got.toLocaleString('en')} samples)`,
    `${both(...best)}; first read ${both(...times[0])} (target < 500 ms at 1 s)`,
  );
  const q = db.querier();
  let started = performance.now();
  const [one] = [...q.selectRollup([{ type: '=', name: 'cpu', value: '7' }], start, end, '1h')];
  const rollMs = performance.now() - started;
  q.close();
  row(
    `1 series × 24 h at 1 h from the rollup tier (${one?.t.length ?? 0} points)`,
    `${rollMs.toFixed(1)} ms`,
  );
  await db.close();
  started = performance.now();
  const cpuStarted = cpuMs();
  db = await openStorage({ dir, maintenanceIntervalMs: 0 });
  const openMs = performance.now() - started;
  const openCpu = cpuMs() - cpuStarted;
  row(
    `restart after clean close (${SERIES} series, ${samples.toLocaleString('en')} samples)`,
    both(openMs, openCpu),
  );
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}

async function rollupMonth(): Promise<void> {
  const dir = join(OUT, 'month');
  rmSync(dir, { recursive: true, force: true });
  const day = 86_400_000;
  const end = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const start = end - 30 * day;
  // raw kept 31 days here: samples older than the raw retention are refused at append
  const retention = { raw: 31 * day };
  const db = await openStorage({ dir, maintenanceIntervalMs: 0, blockRangeMs: 6 * 3_600_000, retention });
  const app = db.appender();
  const step = 30_000;
  let v = 0;
  let n = 0;
  for (let t = start; t < end; t += step) {
    v = Math.round((v + Math.random() * 3) * 100) / 100;
    for (let i = 0; i < 10; i++) app.append({ __name__: 'app_requests_total', shard: String(i) }, t, v + i);
    if (++n % 2880 === 0) {
      await app.commit();
      await db.maintain();
    }
  }
  await app.commit();
  await db.flush();
  for (let i = 0; i < 32; i++) await db.compact();
  await db.close();
  const again = await openStorage({ dir, maintenanceIntervalMs: 0, retention });
  const q = again.querier();
  const started = performance.now();
  const [one] = [...q.selectRollup([{ type: '=', name: 'shard', value: '3' }], start, end, '1h')];
  const ms = performance.now() - started;
  q.close();
  await again.close();
  row(
    `1 series × 30 d at 1 h from the rollup tier (${one?.t.length ?? 0} points)`,
    `${ms.toFixed(1)} ms (target < 20 ms)`,
  );
  rmSync(dir, { recursive: true, force: true });
}

async function crashRestart(): Promise<void> {
  const dir = join(OUT, 'crash');
  rmSync(dir, { recursive: true, force: true });
  const SERIES = 10_000;
  const SAMPLES = FULL ? 600 : 200;
  const db = await openStorage({ dir, maintenanceIntervalMs: 0 });
  const labels: Labels[] = [];
  for (let i = 0; i < SERIES; i++)
    labels.push({ __name__: `m${i % 100}`, instance: `h${Math.floor(i / 100)}` });
  const t0 = Date.now() - 3_600_000;
  const app = db.appender();
  for (let k = 0; k < SAMPLES; k++) {
    for (let i = 0; i < SERIES; i++)
      app.append(labels[i], t0 + k * 1000, Math.round(Math.random() * 1e4) / 100);
    if (k % 10 === 9) await app.commit();
  }
  await app.commit();
  // abandoned without close: the next open replays the log, as after kill -9
  const started = performance.now();
  const cpuStarted = cpuMs();
  const again = await openStorage({ dir, maintenanceIntervalMs: 0 });
  const ms = performance.now() - started;
  row(
    `restart after a crash: log replay of ${SERIES} series × ${SAMPLES} samples`,
    both(ms, cpuMs() - cpuStarted),
  );
  await again.close();
  rmSync(dir, { recursive: true, force: true });
}

/** Starts Prometheus on a TSDB directory and times spawn to /-/ready (0 when it cannot run). */
async function prometheusReadyMs(dataDir: string): Promise<number> {
  if (!existsSync(PROMETHEUS)) return 0;
  const cfg = join(OUT, 'prometheus-restart.yml');
  writeFileSync(cfg, 'global:\n  scrape_interval: 1h\n');
  const port = 19090 + Math.floor(Math.random() * 500);
  const started = performance.now();
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${cfg}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=30d',
    ],
    { stdio: 'ignore' },
  );
  try {
    for (;;) {
      if (child.exitCode !== null) return 0;
      try {
        const r = await fetch(`http://127.0.0.1:${port}/-/ready`);
        if (r.status === 200) return performance.now() - started;
      } catch {}
      if (performance.now() - started > 600_000) return 0;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

/**
 * Restart of a big store: 10,000 series and 100 million samples by default
 * (SONDE_BENCH_RESTART_SAMPLES sets another total), written through the
 * append API with the usual maintenance (blocks cut every 15 min, a head
 * checkpoint at each), then timed from open to ready: after a clean close,
 * and after a crash (the store abandoned, its log replayed). Prometheus gets
 * the same samples backfilled into blocks and is timed from start to /-/ready.
 */
async function restart(): Promise<void> {
  const SERIES = 10_000;
  const total = Number(process.env.SONDE_BENCH_RESTART_SAMPLES ?? 100_000_000);
  const perSeries = Math.max(1, Math.floor(total / SERIES));
  const samples = perSeries * SERIES;
  console.log(
    `\n# restart: ${SERIES} series × ${perSeries} samples at 1 s (${samples.toLocaleString('en')})`,
  );
  const dir = join(OUT, 'restart');
  rmSync(dir, { recursive: true, force: true });
  const labels: Labels[] = [];
  for (let i = 0; i < SERIES; i++)
    labels.push({
      __name__: `restart_metric_${i % 100}`,
      instance: `host-${Math.floor(i / 100)}:9100`,
      job: 'node',
    });
  const end = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
  const t0 = end - perSeries * 1000;
  /** Counters in 0.01 steps for half the series, 2-decimal gauges for the rest; the same for both stores. */
  const value = (i: number, k: number) =>
    i % 2 === 0 ? Math.round(k * (i % 7) * 3 + (k % 13)) / 100 : ((i * 7919 + k * 104729) % 10_000) / 100;
  let db = await openStorage({ dir, maintenanceIntervalMs: 0 });
  const app = db.appender();
  const built = performance.now();
  for (let k = 0; k < perSeries; k++) {
    const t = t0 + k * 1000;
    for (let i = 0; i < SERIES; i++) app.append(labels[i], t, value(i, k));
    if (k % 10 === 9) await app.commit();
    if (k % 60 === 59) await db.maintain();
  }
  await app.commit();
  await db.maintain();
  console.log(`  built in ${((performance.now() - built) / 1000).toFixed(0)} s, ${mb(du(dir))} on disk`);
  // a crash: abandoned without close, so the next open replays the log since the last checkpoint
  let started = performance.now();
  let cpuStarted = cpuMs();
  db = await openStorage({ dir, maintenanceIntervalMs: 0 });
  const crashMs = performance.now() - started;
  const crashCpu = cpuMs() - cpuStarted;
  await db.close();
  started = performance.now();
  cpuStarted = cpuMs();
  db = await openStorage({ dir, maintenanceIntervalMs: 0 });
  const openMs = performance.now() - started;
  const openCpu = cpuMs() - cpuStarted;
  const head = db.headUsage();
  await db.close();
  console.log(`  sonde: clean restart ${both(openMs, openCpu)}, after a crash ${both(crashMs, crashCpu)}`);
  let prom = 0;
  if (process.env.SONDE_BENCH_RESTART_PEER !== '0' && existsSync(PROMTOOL)) {
    const om = join(OUT, 'restart.om.txt');
    const out = createWriteStream(om);
    let buf = '';
    for (let i = 0; i < SERIES; i++) {
      const l = labels[i];
      const head = `${l.__name__}{instance="${l.instance}",job="${l.job}"} `;
      for (let k = 0; k < perSeries; k++) {
        buf += `${head}${value(i, k)} ${(t0 / 1000 + k).toFixed(3)}\n`;
        if (buf.length > 1 << 20) {
          if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
          buf = '';
        }
      }
    }
    out.write(`${buf}# EOF\n`);
    await new Promise<void>((r) => out.end(r));
    const promDir = join(OUT, 'prometheus-restart');
    rmSync(promDir, { recursive: true, force: true });
    mkdirSync(promDir, { recursive: true });
    execFileSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', om, promDir], { stdio: 'ignore' });
    rmSync(om, { force: true });
    prom = await prometheusReadyMs(promDir);
    rmSync(promDir, { recursive: true, force: true });
  }
  const ratio = (a: number) => (prom ? (a / prom).toFixed(2) : '');
  const what = `${SERIES} series, ${samples.toLocaleString('en')} samples`;
  row(
    `restart after clean close to ready (${what}; head ${head.series} series)`,
    `${both(openMs, openCpu)} (target < 10 s)`,
    prom ? `${prom.toFixed(0)} ms to /-/ready, blocks only` : '',
    ratio(openMs),
  );
  row(`restart after a crash to ready (log replayed; ${what})`, both(crashMs, crashCpu));
  rmSync(dir, { recursive: true, force: true });
}

mkdirSync(OUT, { recursive: true });
const t0 = performance.now();
// SONDE_BENCH_ONLY=reads,restart runs just those parts
const only = process.env.SONDE_BENCH_ONLY?.split(',');
const parts: [string, () => Promise<void>][] = [
  ['density', () => density(true)],
  ['density', () => density(false)],
  ['head', headMemory],
  ['reads', reads],
  ['rollup', rollupMonth],
  ['crash', crashRestart],
  ['restart', restart],
];
for (const [name, run] of parts) {
  if (only ? only.includes(name) : name !== 'restart' || process.env.SONDE_BENCH_RESTART !== '0') await run();
}
console.log(`\nstorage bench done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
console.table(
  rows.map(([what, sonde, peer, ratio]) => ({ what, sonde, prometheus: peer, 'sonde/prometheus': ratio })),
);
