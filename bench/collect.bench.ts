// One full collection cycle of every host collector, sonde next to the real
// prometheus-node-exporter with the same collectors, in one run:
//   sonde: wall time per cycle (median, p95) and CPU time per cycle (process.cpuUsage)
//   node_exporter: CPU time per scrape, from /proc/<pid>/stat across N scrapes
// and sonde's share of one core at the default 1 s interval.
// Targets (issue #4): median <= 5 ms, less CPU per cycle than node_exporter per scrape, < 1% of a core.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { formatPrometheusText } from '../packages/sonde/src/collect/exposition.js';
import { DEFAULT_MOUNT_POINTS_EXCLUDE } from '../packages/sonde/src/collect/linux/filesystem.js';
import {
  createHostCollectors,
  createCollectionLoop,
  LINUX_COLLECTORS,
} from '../packages/sonde/src/collect/index.js';
import { collectSchema } from '../packages/sonde/src/config/schema.js';

const CYCLES = Number(process.env.BENCH_CYCLES ?? 300);
const WARMUP = 30;
const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

function procCpuSeconds(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime, stime (fields 14, 15)
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function benchSonde() {
  const { collectors, off } = await createHostCollectors(collectSchema.parse({}), { gpu: false });
  const loop = createCollectionLoop({ collectors, intervalMs: 1000, timeoutMs: 5000, onCycle() {} });
  for (let i = 0; i < WARMUP; i++) await loop.runOnce();
  const wall: number[] = [];
  const cpu: number[] = [];
  const cpuText: number[] = [];
  let samples = 0;
  for (let i = 0; i < CYCLES; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const { families } = await loop.runOnce();
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    formatPrometheusText(families);
    const c2 = process.cpuUsage(c0);
    wall.push(t1 - t0);
    cpu.push((c1.user + c1.system) / 1000);
    cpuText.push((c2.user + c2.system) / 1000);
    samples = families.reduce((n, f) => n + f.samples.length, 0);
  }
  return { collectors: collectors.map((c) => c.name), off, wall, cpu, cpuText, samples };
}

async function benchNodeExporter(collectorNames: string[]) {
  const port = await freePort();
  const child = spawn(
    NODE_EXPORTER,
    [
      `--web.listen-address=127.0.0.1:${port}`,
      '--collector.disable-defaults',
      ...collectorNames.map((c) => `--collector.${c}`),
      `--collector.filesystem.mount-points-exclude=${DEFAULT_MOUNT_POINTS_EXCLUDE}`,
      '--collector.netdev.device-exclude=',
    ],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}/metrics`;
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(url)).ok) break;
      } catch {}
      if (i > 100) throw new Error('node_exporter did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    for (let i = 0; i < WARMUP; i++) await (await fetch(url)).text();
    const before = procCpuSeconds(child.pid!);
    const wall: number[] = [];
    let samples = 0;
    for (let i = 0; i < CYCLES; i++) {
      const t0 = performance.now();
      const text = await (await fetch(url)).text();
      wall.push(performance.now() - t0);
      if (i === 0) samples = text.split('\n').filter((l) => l && !l.startsWith('#')).length;
    }
    const cpuMsPerScrape = ((procCpuSeconds(child.pid!) - before) * 1000) / CYCLES;
    return { wall, cpuMsPerScrape, samples };
  } finally {
    child.kill();
  }
}

const sonde = await benchSonde();
const common = LINUX_COLLECTORS.filter((c) => sonde.collectors.includes(c));
const ne = await benchNodeExporter(common);

const sondeCpu = quantile(sonde.cpu, 0.5);
const sondeCpuMean = sonde.cpu.reduce((a, b) => a + b, 0) / sonde.cpu.length;
const sondeCpuText = sonde.cpuText.reduce((a, b) => a + b, 0) / sonde.cpuText.length;
const fmt = (x: number) => x.toFixed(3);
console.log(`collectors (${common.length}): ${common.join(' ')}`);
console.log(`off here: ${sonde.off.map((o) => o.name).join(' ') || 'none'}`);
console.log(`cycles: ${CYCLES} (after ${WARMUP} warm-up)\n`);
console.log('| measure                                  | sonde     | node_exporter | ratio (sonde/ne) |');
console.log('|------------------------------------------|-----------|---------------|------------------|');
console.log(
  `| samples per cycle / scrape               | ${String(sonde.samples).padEnd(9)} | ${String(ne.samples).padEnd(13)} |                  |`,
);
console.log(
  `| wall ms per cycle, median                | ${fmt(quantile(sonde.wall, 0.5)).padEnd(9)} | ${fmt(quantile(ne.wall, 0.5)).padEnd(13)} | ${(quantile(sonde.wall, 0.5) / quantile(ne.wall, 0.5)).toFixed(2).padEnd(16)} |`,
);
console.log(
  `| wall ms per cycle, p95                   | ${fmt(quantile(sonde.wall, 0.95)).padEnd(9)} | ${fmt(quantile(ne.wall, 0.95)).padEnd(13)} | ${(quantile(sonde.wall, 0.95) / quantile(ne.wall, 0.95)).toFixed(2).padEnd(16)} |`,
);
console.log(
  `| CPU ms per cycle (mean)                  | ${fmt(sondeCpuMean).padEnd(9)} | ${fmt(ne.cpuMsPerScrape).padEnd(13)} | ${(sondeCpuMean / ne.cpuMsPerScrape).toFixed(2).padEnd(16)} |`,
);
console.log(
  `| CPU ms per cycle + text exposition (mean)| ${fmt(sondeCpuText).padEnd(9)} | ${fmt(ne.cpuMsPerScrape).padEnd(13)} | ${(sondeCpuText / ne.cpuMsPerScrape).toFixed(2).padEnd(16)} |`,
);
console.log(
  `\nsonde CPU per cycle median ${fmt(sondeCpu)} ms; at a 1 s interval: ${((sondeCpuMean / 1000) * 100).toFixed(3)}% of one core`,
);
const targets = [
  ['median wall <= 5 ms', quantile(sonde.wall, 0.5) <= 5],
  ['CPU per cycle < node_exporter per scrape', sondeCpuMean < ne.cpuMsPerScrape],
  ['< 1% of a core at 1 s', sondeCpuMean / 1000 < 0.01],
] as const;
for (const [what, ok] of targets) console.log(`${ok ? 'MET ' : 'MISS'}  ${what}`);
