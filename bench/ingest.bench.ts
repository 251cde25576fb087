// Ingest throughput, sonde side by side with real peers on loopback, in one run:
//   remote_write: the same snappy-compressed WriteRequests (2,000 samples each, as a
//     Prometheus shard sends them) POSTed to sonde, VictoriaMetrics and Prometheus
//     (--web.enable-remote-write-receiver), 4 requests in flight; samples/s until the
//     last answer. sonde answers once its commit is durable.
//   text import: Prometheus text with timestamps POSTed to sonde's and
//     VictoriaMetrics's /api/v1/import/prometheus.
//   path only: sonde's receive path alone, in process (no HTTP, a store that discards), per CPU-second.
// Targets (issues #9, #12): remote_write >= 500,000 samples/s, text import >= 300,000 samples/s.
// The machine's load is printed first: on a shared machine, compare per CPU-second.
// sonde writes into its embedded store (storage/openStorage), durable on each commit.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify from 'fastify';
import pino from 'pino';
import type { ApiDeps } from '../packages/sonde/src/api/deps.js';
import { ingestRoutes } from '../packages/sonde/src/api/ingest/index.js';
import type { SondeConfig } from '../packages/sonde/src/config/schema.js';
import {
  ImportCaches,
  RemoteWriteReceiver,
  importText,
  snappyCompress,
} from '../packages/sonde/src/ingest/index.js';
import { openStorage } from '../packages/sonde/src/storage/index.js';
import type { Storage } from '../packages/sonde/src/storage/types.js';

const SERIES = Number(process.env.BENCH_SERIES ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const PER_REQUEST = 2000;
const IN_FLIGHT = 4;
/** Requests in one round of remote_write bodies: the first round creates every series. */
const RW_FIRST_ROUND = Math.ceil(SERIES / PER_REQUEST);
const TEXT_LINES_PER_BODY = 100_000;
const START = Date.now() - ROUNDS * 15_000;

// --- request bodies ---------------------------------------------------------

function varint(n: number, out: number[]): void {
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
}

function field(tag: number, payload: Buffer): Buffer {
  const head: number[] = [];
  varint(tag, head);
  varint(payload.length, head);
  return Buffer.concat([Buffer.from(head), payload]);
}

function seriesLabels(i: number): [string, string][] {
  return [
    ['__name__', `bench_metric_${i % 100}`],
    ['instance', `host-${Math.floor(i / 100) % 500}:9100`],
    ['job', 'node'],
    ['mode', ['user', 'system', 'idle', 'iowait'][i % 4]],
    ['series', String(i)],
  ];
}

function remoteWriteBodies(): Buffer[] {
  const labelBlocks = Array.from({ length: SERIES }, (_, i) =>
    Buffer.concat(
      seriesLabels(i).map(([n, v]) =>
        field(0x0a, Buffer.concat([field(0x0a, Buffer.from(n)), field(0x12, Buffer.from(v))])),
      ),
    ),
  );
  const bodies: Buffer[] = [];
  const sample = Buffer.alloc(9);
  for (let r = 0; r < ROUNDS; r++) {
    const t = START + r * 15_000;
    for (let s0 = 0; s0 < SERIES; s0 += PER_REQUEST) {
      const parts: Buffer[] = [];
      for (let s = s0; s < Math.min(SERIES, s0 + PER_REQUEST); s++) {
        sample[0] = 0x09;
        sample.writeDoubleLE(r * 10 + (s % 7), 1);
        const ts: number[] = [0x10];
        varint(t, ts);
        const sampleMsg = field(0x12, Buffer.concat([sample, Buffer.from(ts)]));
        parts.push(field(0x0a, Buffer.concat([labelBlocks[s], sampleMsg])));
      }
      bodies.push(snappyCompress(Buffer.concat(parts)));
    }
  }
  return bodies;
}

function textBodies(): string[] {
  const names = Array.from({ length: SERIES }, (_, i) => {
    const l = seriesLabels(i);
    return `${l[0][1]}{${l
      .slice(1)
      .map(([n, v]) => `${n}="${v}"`)
      .join(',')}}`;
  });
  const bodies: string[] = [];
  let lines: string[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = START + r * 15_000 + 1;
    for (let s = 0; s < SERIES; s++) {
      lines.push(`${names[s]} ${r * 10 + (s % 7)} ${t}`);
      if (lines.length === TEXT_LINES_PER_BODY) {
        bodies.push(`${lines.join('\n')}\n`);
        lines = [];
      }
    }
  }
  if (lines.length) bodies.push(`${lines.join('\n')}\n`);
  return bodies;
}

// --- peers ------------------------------------------------------------------

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function waitReady(url: string, proc: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${url}: process exited with ${proc.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await sleep(100);
  }
  throw new Error(`${url} not ready`);
}

interface Peer {
  name: string;
  base: string;
  /** CPU seconds the server has used so far. */
  cpu(): number;
  stop(): Promise<void>;
}

function procCpuSeconds(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 10 ms
}

function ownCpuSeconds(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
}

async function startPeer(
  name: string,
  bin: string,
  args: (port: number, dir: string) => string[],
  ready: string,
) {
  const dir = mkdtempSync(join(tmpdir(), `sonde-bench-${name}-`));
  const port = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), 'global: {}\n');
  const proc = spawn(bin, args(port, dir), { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  await waitReady(base + ready, proc);
  return {
    name,
    base,
    cpu: () => procCpuSeconds(proc.pid!),
    async stop() {
      proc.kill('SIGTERM');
      if (proc.exitCode === null) await new Promise((r) => proc.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  } satisfies Peer;
}

/** A store that keeps nothing: what sonde's receive path alone (HTTP, decompress, decode, checks) can carry. */
function discardStore(): Storage {
  const result = { accepted: 0, outOfOrder: 0, duplicate: 0, tooOld: 0, invalid: 0 };
  return {
    appender: () => {
      let n = 0;
      return {
        append: () => void n++,
        appendHistogram: () => void n++,
        rollback: () => void (n = 0),
        commit: async () => {
          const accepted = n;
          n = 0;
          return { ...result, accepted };
        },
      };
    },
    setMetadata() {},
    close: async () => {},
  } as unknown as Storage;
}

async function startSonde(discard = false): Promise<Peer & { kind: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'sonde-bench-sonde-'));
  const { storage, kind } = discard
    ? { storage: discardStore(), kind: 'nothing (discard)' }
    : { storage: await openStorage({ dir }), kind: 'the embedded store' };
  const deps: ApiDeps = {
    config: {} as SondeConfig,
    storage,
    engine: {} as ApiDeps['engine'],
    logger: pino({ level: 'silent' }),
    startedAt: Date.now(),
  };
  const app = Fastify({ logger: false });
  const plugin = ingestRoutes();
  await app.register(async (scope) => plugin(scope, deps));
  await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    name: 'sonde',
    kind,
    base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    cpu: ownCpuSeconds,
    async stop() {
      await app.close();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// --- load -------------------------------------------------------------------

interface Run {
  /** Wall seconds from the first request to the last answer. */
  wall: number;
  /** CPU seconds the server process used meanwhile (the client runs in a process of its own). */
  cpu: number;
  /** Wall and CPU seconds until the first `split` requests were answered (remote_write: the first round). */
  splitWall: number;
  splitCpu: number;
}

// The load generator runs in its own process, so that sonde's CPU time (read in this process) counts
// the server alone, as the peers' does. It posts with node:http and keep-alive connections, as a
// Prometheus shard does: fetch() cost about 1.1 ms of the client's CPU per request, CPU that the
// servers under test, sharing this machine's cores with it, then lacked.
const CLIENT = `
import { readFileSync } from 'node:fs';
import http from 'node:http';
const [file, url, headersJson, inFlight, split] = process.argv.slice(1);
const data = readFileSync(file);
const bodies = [];
for (let p = 0; p < data.length; ) {
  const n = data.readUInt32LE(p);
  bodies.push(data.subarray(p + 4, p + 4 + n));
  p += 4 + n;
}
const headers = JSON.parse(headersJson);
const u = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(inFlight) });
const post = (body) => new Promise((resolve, reject) => {
  const req = http.request(
    { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent,
      headers: { ...headers, 'content-length': body.length } },
    (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
    },
  );
  req.on('error', reject);
  req.end(body);
});
let next = 0, failures = 0, firstError = '', splitDone = 0, splitWall = 0;
const t0 = performance.now();
await Promise.all(Array.from({ length: Number(inFlight) }, async () => {
  while (next < bodies.length) {
    const i = next++;
    const res = await post(bodies[i]);
    if (res.status >= 300) { failures++; firstError ||= res.status + ' ' + res.text.slice(0, 200); }
    if (i < Number(split) && ++splitDone === Number(split)) {
      splitWall = (performance.now() - t0) / 1000;
      process.stderr.write('SPLIT\\n');
    }
  }
}));
agent.destroy();
process.stdout.write(JSON.stringify({ wall: (performance.now() - t0) / 1000, splitWall, failures, firstError }));
`;

function writeBodies(file: string, bodies: (Buffer | string)[]): string {
  const parts: Buffer[] = [];
  for (const b of bodies) {
    const buf = typeof b === 'string' ? Buffer.from(b) : b;
    const len = Buffer.alloc(4);
    len.writeUInt32LE(buf.length);
    parts.push(len, buf);
  }
  writeFileSync(file, Buffer.concat(parts));
  return file;
}

async function post(
  peer: Peer,
  path: string,
  bodiesFile: string,
  headers: Record<string, string>,
  split = 0,
): Promise<Run> {
  const url = peer.base + path;
  const cpu0 = peer.cpu();
  let splitCpu = 0;
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      CLIENT,
      bodiesFile,
      url,
      JSON.stringify(headers),
      String(IN_FLIGHT),
      String(split),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d: Buffer) => {
    const text = d.toString();
    if (text.includes('SPLIT')) splitCpu = peer.cpu() - cpu0;
    const rest = text.replace('SPLIT\n', '');
    if (rest) process.stderr.write(rest);
  });
  await new Promise((r) => child.once('exit', r));
  const { wall, splitWall, failures, firstError } = JSON.parse(out) as {
    wall: number;
    splitWall: number;
    failures: number;
    firstError: string;
  };
  // Peers may still be flushing what they acknowledged: let them finish before reading their CPU.
  await sleep(500);
  const cpu = peer.cpu() - cpu0;
  if (failures) console.log(`  ${url}: ${failures} requests failed, first: ${firstError}`);
  return { wall, cpu, splitWall, splitCpu };
}

const RW_HEADERS = {
  'content-type': 'application/x-protobuf',
  'content-encoding': 'snappy',
  'x-prometheus-remote-write-version': '0.1.0',
};

function rate(samples: number, seconds: number): string {
  return `${Math.round(samples / seconds).toLocaleString('en-US')}/s`;
}

/** A table row; for a peer, `sonde` gives the ratio of sonde's throughput to the peer's. */
function row(what: string, who: string, samples: number, r: Run, sonde?: Run): string {
  const ratio = sonde
    ? `  sonde/peer: ${(r.wall / sonde.wall).toFixed(2)} (wall), ${(r.cpu / sonde.cpu).toFixed(2)} (CPU)`
    : '';
  return `${what.padEnd(13)} ${who.padEnd(22)} ${rate(samples, r.wall).padStart(12)} ${rate(samples, r.cpu).padStart(14)}${ratio}`;
}

/** remote_write by phase: the first round (every series new) and the later rounds (every series known). */
function phaseRow(who: string, r: Run, sonde?: Run): string {
  const laterSamples = SERIES * (ROUNDS - 1);
  const laterWall = r.wall - r.splitWall;
  const laterCpu = r.cpu - r.splitCpu;
  const cells = [
    rate(SERIES, r.splitWall).padStart(12),
    rate(SERIES, r.splitCpu).padStart(14),
    rate(laterSamples, laterWall).padStart(12),
    rate(laterSamples, laterCpu).padStart(14),
  ].join(' ');
  const ratio = sonde
    ? `  sonde/peer: first ${(r.splitWall / sonde.splitWall).toFixed(2)}, later ${(laterWall / (sonde.wall - sonde.splitWall)).toFixed(2)} (wall)`
    : '';
  return `${''.padEnd(13)} ${who.padEnd(22)} ${cells}${ratio}`;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const rwBodies = remoteWriteBodies();
  const textAll = textBodies();
  const work = mkdtempSync(join(tmpdir(), 'sonde-bench-bodies-'));
  const rwFile = writeBodies(join(work, 'rw.bin'), rwBodies);
  const textFile = writeBodies(join(work, 'text.bin'), textAll);
  const total = SERIES * ROUNDS;
  console.log(
    `${SERIES.toLocaleString()} series x ${ROUNDS} rounds = ${total.toLocaleString()} samples per run`,
  );
  console.log(`${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)} at the start`);
  console.log(`bodies built in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

  // sonde's receive path alone, in process: decompress, decode or parse, check and redact labels,
  // append to a store that discards. No HTTP, no store. Best of three passes, in CPU time.
  let decodeRate = 0;
  let parseRate = 0;
  const receiver = new RemoteWriteReceiver(discardStore());
  const caches = new ImportCaches();
  for (let pass = 0; pass < 3; pass++) {
    let c0 = ownCpuSeconds();
    for (const b of rwBodies) await receiver.receive(b);
    decodeRate = Math.max(decodeRate, total / (ownCpuSeconds() - c0));
    c0 = ownCpuSeconds();
    for (const b of textAll) await importText(discardStore(), b, { format: 'prometheus', caches });
    parseRate = Math.max(parseRate, total / (ownCpuSeconds() - c0));
  }
  global.gc?.();

  const runSonde = async (
    discard: boolean,
    path: string,
    bodies: string,
    headers: Record<string, string>,
  ) => {
    const s = await startSonde(discard);
    if (!discard && path === '/api/v1/write') console.log(`sonde writes into: ${s.kind}`);
    const r = await post(s, path, bodies, headers, path === '/api/v1/write' ? RW_FIRST_ROUND : 0);
    await s.stop();
    global.gc?.();
    return r;
  };
  const TEXT = { 'content-type': 'text/plain' };
  const sRw = await runSonde(false, '/api/v1/write', rwFile, RW_HEADERS);
  const dRw = await runSonde(true, '/api/v1/write', rwFile, RW_HEADERS);
  const sText = await runSonde(false, '/api/v1/import/prometheus', textFile, TEXT);
  const dText = await runSonde(true, '/api/v1/import/prometheus', textFile, TEXT);

  const vmArgs = (port: number, dir: string) => [
    `-httpListenAddr=127.0.0.1:${port}`,
    `-storageDataPath=${dir}`,
    '-retentionPeriod=100y',
    '-loggerLevel=ERROR',
  ];
  const vm = await startPeer('victoria-metrics', '/usr/bin/victoria-metrics', vmArgs, '/health');
  const vRw = await post(vm, '/api/v1/write', rwFile, RW_HEADERS, RW_FIRST_ROUND);
  await vm.stop();
  const vm2 = await startPeer('victoria-metrics', '/usr/bin/victoria-metrics', vmArgs, '/health');
  const vText = await post(vm2, '/api/v1/import/prometheus', textFile, TEXT);
  await vm2.stop();

  const prom = await startPeer(
    'prometheus',
    '/usr/bin/prometheus',
    (port, dir) => [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
      '--log.level=error',
    ],
    '/-/ready',
  );
  const pRw = await post(prom, '/api/v1/write', rwFile, RW_HEADERS, RW_FIRST_ROUND);
  await prom.stop();

  console.log(
    `\n${''.padEnd(13)} ${''.padEnd(22)} ${'samples/s'.padStart(12)} ${'per CPU-second'.padStart(14)}`,
  );
  console.log(row('remote_write', 'sonde', total, sRw));
  console.log(row('', 'sonde, store discards', total, dRw));
  console.log(row('', 'VictoriaMetrics 1.79', total, vRw, sRw));
  console.log(row('', 'Prometheus 2.42', total, pRw, sRw));
  console.log(row('text import', 'sonde', total, sText));
  console.log(row('', 'sonde, store discards', total, dText));
  console.log(row('', 'VictoriaMetrics 1.79', total, vText, sText));
  console.log(
    `path only     remote_write receiver  ${''.padStart(12)} ${rate(1, 1 / decodeRate).padStart(14)}`,
  );
  console.log(
    `              text import            ${''.padStart(12)} ${rate(1, 1 / parseRate).padStart(14)}`,
  );
  console.log(
    `\nremote_write by phase  ${'first round: every series new'.padStart(27)}  ${'later rounds: series known'.padStart(27)}`,
  );
  console.log(
    `${''.padEnd(13)} ${''.padEnd(22)} ${'series/s'.padStart(12)} ${'per CPU-second'.padStart(14)} ${'samples/s'.padStart(12)} ${'per CPU-second'.padStart(14)}`,
  );
  console.log(phaseRow('sonde', sRw));
  console.log(phaseRow('VictoriaMetrics 1.79', vRw, sRw));
  console.log(phaseRow('Prometheus 2.42', pRw, sRw));
  console.log('(ratios are sonde throughput / peer throughput: above 1 means sonde is faster)');
  const all = total / sRw.wall;
  const later = (SERIES * (ROUNDS - 1)) / (sRw.wall - sRw.splitWall);
  const textOk = total / sText.wall >= 300_000;
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  console.log(
    `\ntargets: remote_write >= 500,000/s: ${met(later >= 500_000)} with series known (${rate(1, 1 / later)}), ` +
      `${met(all >= 500_000)} over all rounds (${rate(1, 1 / all)}, ${(100 / ROUNDS).toFixed(1)}% of samples starting a new series); ` +
      `text import >= 300,000/s: ${met(textOk)}`,
  );
  rmSync(work, { recursive: true, force: true });
  console.log(`total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

await main();
