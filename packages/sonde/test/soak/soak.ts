// Soak: mixed ingest (remote_write and SDK push), PromQL queries and live
// dashboard streams against the real server for N minutes, sampling the
// server's memory; fails when a request fails or memory keeps growing.
//   node --conditions=sonde-src --import tsx packages/sonde/test/soak/soak.ts --minutes 5
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeWriteRequest } from '../../src/forward/index.js';
import { snappyCompress } from '../../src/ingest/index.js';
import { startSondeProcess, waitFor } from '../support/sonde-process.js';

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '5' }, series: { type: 'string', default: '2000' } },
});
const MINUTES = Number(values.minutes);
const SERIES = Number(values.series);
const STREAMS = 20;

async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

const dir = await mkdtemp(join(tmpdir(), 'sonde-soak-'));
const sonde = await startSondeProcess(['--data-dir', join(dir, 'data')]);
await waitFor('ready', async () => ((await fetch(`${sonde.url}/-/ready`)).status === 200 ? true : undefined));
const pid = sonde.child.pid ?? 0;
const errors: string[] = [];
const counts = { writes: 0, pushes: 0, queries: 0, streamEvents: 0 };
const labels = Array.from({ length: SERIES }, (_, i) => ({
  __name__: `soak_metric_${i % 20}`,
  instance: `host-${i % 50}`,
  series: String(i),
}));
const endAt = Date.now() + MINUTES * 60_000;
const controller = new AbortController();

async function every(ms: number, fn: () => Promise<void>): Promise<void> {
  while (Date.now() < endAt) {
    const t0 = Date.now();
    try {
      await fn();
    } catch (err) {
      if (errors.length < 20) errors.push((err as Error).message);
    }
    await new Promise((r) => setTimeout(r, Math.max(0, ms - (Date.now() - t0))));
  }
}

const ingest = every(1000, async () => {
  const t = Date.now();
  const body = snappyCompress(
    encodeWriteRequest(
      labels.map((l, i) => ({ labels: l, t: [t], v: new Float64Array([Math.sin(t / 60_000 + i) * 100]) })),
    ),
  );
  const r = await fetch(`${sonde.url}/api/v1/write`, {
    method: 'POST',
    body,
    headers: { 'content-encoding': 'snappy', 'content-type': 'application/x-protobuf' },
  });
  if (r.status !== 204) throw new Error(`remote_write answered ${r.status}: ${await r.text()}`);
  counts.writes++;
});

const push = every(2000, async () => {
  const t = Date.now();
  const body = JSON.stringify({
    labels: { job: 'soak-app', instance: 'app-1' },
    metadata: { soak_requests_total: { type: 'counter', help: 'requests', unit: '' } },
    series: [{ labels: { __name__: 'soak_requests_total', route: '/x' }, samples: [[t, counts.pushes]] }],
  });
  const r = await fetch(`${sonde.url}/api/sonde/v1/push`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  });
  if (!r.ok) throw new Error(`push answered ${r.status}: ${await r.text()}`);
  counts.pushes++;
});

const QUERIES = [
  'sum by (instance) (soak_metric_1)',
  'rate(node_cpu_seconds_total[1m])',
  'topk(5, avg_over_time(soak_metric_3[5m]))',
  'histogram_quantile(0.9, sum by (le) (rate(nodejs_gc_duration_seconds_bucket[5m])))',
];
const query = every(500, async () => {
  const q = QUERIES[counts.queries % QUERIES.length];
  const now = Date.now() / 1000;
  const params = new URLSearchParams({ query: q, start: String(now - 600), end: String(now), step: '15' });
  const r = await fetch(`${sonde.url}/api/v1/query_range?${params}`);
  if (r.status !== 200) throw new Error(`query_range ${q} answered ${r.status}: ${await r.text()}`);
  counts.queries++;
});

const streams = Array.from({ length: STREAMS }, async () => {
  const params = new URLSearchParams({ query: 'node_load1' });
  params.append('query', 'sum(rate(node_network_receive_bytes_total[1m]))');
  try {
    const r = await fetch(`${sonde.url}/api/sonde/v1/live?${params}`, { signal: controller.signal });
    const reader = r.body?.getReader();
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      counts.streamEvents += (new TextDecoder().decode(value).match(/\ndata: /g) ?? []).length;
    }
  } catch (err) {
    if ((err as Error).name !== 'AbortError' && errors.length < 20)
      errors.push(`live stream: ${(err as Error).message}`);
  }
});

const memory: { minute: number; rss: number }[] = [];
const sampler = every(10_000, async () => {
  memory.push({ minute: (Date.now() - (endAt - MINUTES * 60_000)) / 60_000, rss: await rssBytes(pid) });
});

await Promise.all([ingest, push, query, sampler]);
controller.abort();
await Promise.all(streams);
const healthy = (await fetch(`${sonde.url}/-/healthy`)).status === 200;
await sonde.stop();
await rm(dir, { recursive: true, force: true });

const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
// Compare the last fifth of the run with the second fifth: the first holds start-up and the head filling.
const fifth = (k: number) => {
  const from = ((k - 1) * MINUTES) / 5;
  const to = (k * MINUTES) / 5;
  const xs = memory.filter((m) => m.minute >= from && m.minute < to).map((m) => m.rss);
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
};
const early = fifth(2);
const late = fifth(5);
const growth = late / early - 1;
console.log(
  `soak: ${MINUTES} min, ${SERIES} series/s by remote_write, push every 2 s, a query every 500 ms, ${STREAMS} live streams`,
);
console.log(
  `  requests: ${counts.writes} writes, ${counts.pushes} pushes, ${counts.queries} queries, ${counts.streamEvents} stream events; errors: ${errors.length}`,
);
console.log(
  `  server RSS: min ${mb(Math.min(...memory.map((m) => m.rss)))} MiB, max ${mb(Math.max(...memory.map((m) => m.rss)))} MiB, 2nd fifth avg ${mb(early)} MiB, last fifth avg ${mb(late)} MiB (${(growth * 100).toFixed(1)}%)`,
);
for (const e of errors) console.log(`  error: ${e}`);
const ok = errors.length === 0 && healthy && counts.streamEvents > 0 && growth < 0.3;
console.log(ok ? '1 passed, 0 failed' : '0 passed, 1 failed');
process.exit(ok ? 0 : 1);
