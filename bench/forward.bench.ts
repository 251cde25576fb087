// remote_write out: can the sender keep up with 100,000 samples/s on under
// half a core? And what does hand-encoding save over the generic protobuf
// library (protobufjs) a sender would otherwise use?
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RemoteWriter, encodeWriteRequest } from '../packages/sonde/src/forward/index.js';
import { WriteRequestType } from '../packages/sonde/src/ingest/index.js';

const SERIES = 10_000;
const RATE = 100_000;
const SECONDS = Number(process.env.SONDE_BENCH_SECONDS ?? 10);

const labels = Array.from({ length: SERIES }, (_, i) =>
  Object.freeze({
    __name__: `bench_metric_${i % 50}`,
    instance: `host-${i % 20}:9100`,
    job: 'bench',
    series: String(i),
  }),
);

function encodeComparison(): void {
  const batch = labels
    .slice(0, 2000)
    .map((l, i) => ({ labels: l, t: [1_700_000_000_000 + i], v: new Float64Array([i * 0.5]) }));
  const asObjects = {
    timeseries: batch.map((b) => ({
      labels: Object.entries(b.labels)
        .sort(([a], [c]) => a.localeCompare(c))
        .map(([name, value]) => ({ name, value })),
      samples: [{ value: b.v[0], timestamp: b.t[0] }],
    })),
  };
  const time = (fn: () => void, rounds: number) => {
    for (let i = 0; i < 20; i++) fn();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++) fn();
    return Number(process.hrtime.bigint() - t0) / 1e9 / rounds;
  };
  const ours = time(() => encodeWriteRequest(batch), 300);
  const lib = time(() => WriteRequestType.encode(WriteRequestType.fromObject(asObjects)).finish(), 100);
  console.log('encode a 2,000-sample WriteRequest');
  console.log(`  sonde (hand-written)   ${(2000 / ours / 1e6).toFixed(2)} M samples/s`);
  console.log(`  protobufjs             ${(2000 / lib / 1e6).toFixed(2)} M samples/s`);
  console.log(`  ratio sonde/protobufjs ${(lib / ours).toFixed(1)}x faster`);
}

/** A remote_write sink in its own process, so its CPU is not counted as the sender's. */
function startSink(): Promise<{ url: string; stop: () => void; received: () => Promise<number> }> {
  const code = `
    const http = require('node:http'); let bytes = 0;
    const s = http.createServer((req, res) => { req.on('data', (c) => bytes += c.length); req.on('end', () => { if (req.url === '/bytes') res.end(String(bytes)); else { res.statusCode = 204; res.end(); } }); });
    s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => {
    child.stdout.once('data', (d: Buffer) => {
      const url = `http://127.0.0.1:${String(d).trim()}`;
      resolve({
        url: `${url}/api/v1/write`,
        stop: () => child.kill(),
        received: async () => Number(await (await fetch(`${url}/bytes`)).text()),
      });
    });
  });
}

async function sustained(): Promise<void> {
  const sink = await startSink();
  const dir = mkdtempSync(join(tmpdir(), 'sonde-forward-bench-'));
  const writer = new RemoteWriter({ endpoint: { url: sink.url }, dir, shards: 4 });
  writer.start();
  const perTick = RATE / 10;
  let t = Date.now();
  let sent = 0;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  for (let tick = 0; tick < SECONDS * 10; tick++) {
    const tickStart = performance.now();
    for (let i = 0; i < perTick; i++) writer.append(labels[(sent + i) % SERIES], t, (sent + i) * 0.25);
    writer.commit();
    sent += perTick;
    t += 100;
    const spent = performance.now() - tickStart;
    await new Promise((r) => setTimeout(r, Math.max(0, 100 - spent)));
  }
  const deadline = Date.now() + 30_000;
  while (!writer.drained && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const wall = (performance.now() - wall0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const stats = writer.stats();
  console.log(
    `\nsustained ${RATE.toLocaleString()} samples/s for ${SECONDS} s into a local sink (4 shards, fsync per commit)`,
  );
  console.log(
    `  delivered            ${stats.samplesSent.toLocaleString()} of ${sent.toLocaleString()} samples, drained: ${writer.drained}`,
  );
  console.log(`  sender CPU           ${((cpuSeconds / wall) * 100).toFixed(1)}% of one core (target < 50%)`);
  console.log(
    `  bytes on the wire    ${((await sink.received()) / stats.samplesSent).toFixed(2)} bytes/sample (snappy)`,
  );
  await writer.stop();
  sink.stop();
  rmSync(dir, { recursive: true, force: true });
}

encodeComparison();
await sustained();
