// sonde next to the real prometheus-node-exporter (Debian's, 1.5) on this
// host: for the collectors both have, every family node_exporter exposes is
// exposed by sonde with the same name and label names, and slowly changing
// values agree. Also runs `sonde collect --once` as a user would.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createHostCollectors } from '../src/collect/host.js';
import { LINUX_COLLECTORS } from '../src/collect/linux/index.js';
import { DEFAULT_MOUNT_POINTS_EXCLUDE } from '../src/collect/linux/filesystem.js';
import { createCollectionLoop } from '../src/collect/loop.js';
import type { MetricFamily } from '../src/collect/types.js';
import { collectSchema } from '../src/config/schema.js';

const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** A small Prometheus text-format parser, enough for node_exporter's output. */
export function parseText(text: string): Map<string, Sample[]> {
  const out = new Map<string, Sample[]>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^# TYPE (\S+) /.exec(line);
      if (m && !out.has(m[1])) out.set(m[1], []);
      continue;
    }
    let i = 0;
    while (i < line.length && line[i] !== '{' && line[i] !== ' ') i++;
    const name = line.slice(0, i);
    const labels: Record<string, string> = {};
    if (line[i] === '{') {
      i++;
      while (line[i] !== '}') {
        const eq = line.indexOf('=', i);
        const key = line.slice(i, eq);
        let j = eq + 2;
        let v = '';
        while (line[j] !== '"') {
          if (line[j] === '\\') {
            j++;
            v += line[j] === 'n' ? '\n' : line[j];
          } else v += line[j];
          j++;
        }
        labels[key] = v;
        i = j + 1;
        if (line[i] === ',') i++;
      }
      i++;
    }
    const value = Number(
      line
        .slice(i + 1)
        .trim()
        .split(' ')[0],
    );
    if (!out.has(name)) out.set(name, []);
    out.get(name)!.push({ labels, value });
  }
  return out;
}

function labelShape(samples: readonly { labels: Record<string, string> }[]): string[] {
  return [...new Set(samples.map((s) => Object.keys(s.labels).sort().join(',')))].sort();
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** node_exporter's collectors that sonde also has, run with sonde's defaults for its filters. */
export function nodeExporterArgs(port: number): string[] {
  return [
    `--web.listen-address=127.0.0.1:${port}`,
    '--collector.disable-defaults',
    ...LINUX_COLLECTORS.map((c) => `--collector.${c}`),
    `--collector.filesystem.mount-points-exclude=${DEFAULT_MOUNT_POINTS_EXCLUDE}`,
    '--collector.netdev.device-exclude=',
  ];
}

export async function startNodeExporter(): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(NODE_EXPORTER, nodeExporterArgs(port), { stdio: ['ignore', 'ignore', 'pipe'] });
  const url = `http://127.0.0.1:${port}/metrics`;
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(url);
      if (r.ok) return { child, url };
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error('node_exporter did not start');
}

let ne: { child: ChildProcess; url: string };
let theirs: Map<string, Sample[]>;
let ours: Map<string, Sample[]>;

before(async () => {
  assert.ok(
    existsSync(NODE_EXPORTER),
    `${NODE_EXPORTER} is needed (Debian package prometheus-node-exporter)`,
  );
  ne = await startNodeExporter();
  theirs = parseText(await (await fetch(ne.url)).text());
  const { collectors } = await createHostCollectors(collectSchema.parse({}), { gpu: false });
  const loop = createCollectionLoop({ collectors, intervalMs: 1000, timeoutMs: 5000, onCycle() {} });
  const { families } = await loop.runOnce();
  ours = new Map<string, Sample[]>();
  for (const f of families as MetricFamily[]) {
    const list = ours.get(f.name) ?? [];
    for (const s of f.samples) list.push({ labels: { ...s.labels }, value: s.value });
    ours.set(f.name, list);
  }
});

after(() => ne?.child.kill());

describe('sonde vs prometheus-node-exporter on this host', () => {
  it('every node_* family node_exporter exposes is in sonde, with the same label names', () => {
    const skip = /^node_(scrape_|exporter_build_info|textfile_)/;
    const missing: string[] = [];
    const shapes: string[] = [];
    let compared = 0;
    for (const [name, samples] of theirs) {
      if (!name.startsWith('node_') || skip.test(name)) continue;
      const mine = ours.get(name);
      if (!mine) {
        missing.push(name);
        continue;
      }
      if (samples.length === 0) continue;
      compared++;
      const a = labelShape(samples);
      const b = labelShape(mine);
      if (a.join('|') !== b.join('|')) shapes.push(`${name}: node_exporter {${a}} sonde {${b}}`);
    }
    assert.deepEqual(missing, [], `families missing in sonde: ${missing.join(', ')}`);
    assert.deepEqual(shapes, []);
    // node_exporter exposes some 200 node_* families for these collectors on any Linux host.
    assert.ok(compared > 100, `only ${compared} families compared`);
  });

  it('slowly changing values agree', () => {
    const one = (m: Map<string, Sample[]>, name: string, labels: Record<string, string> = {}) => {
      const s = m.get(name)?.find((x) => Object.entries(labels).every(([k, v]) => x.labels[k] === v));
      assert.ok(s, `${name}${JSON.stringify(labels)} missing`);
      return s.value;
    };
    for (const name of [
      'node_memory_MemTotal_bytes',
      'node_boot_time_seconds',
      'node_entropy_pool_size_bits',
      'node_memory_SwapTotal_bytes',
    ]) {
      assert.equal(one(ours, name), one(theirs, name), name);
    }
    const cpus = (m: Map<string, Sample[]>) =>
      new Set(m.get('node_cpu_seconds_total')!.map((s) => s.labels.cpu)).size;
    assert.equal(cpus(ours), cpus(theirs));
    for (const s of theirs.get('node_filesystem_size_bytes') ?? []) {
      assert.equal(one(ours, 'node_filesystem_size_bytes', s.labels), s.value, s.labels.mountpoint);
    }
    for (const s of theirs.get('node_network_mtu_bytes') ?? []) {
      assert.equal(one(ours, 'node_network_mtu_bytes', s.labels), s.value);
    }
    assert.deepEqual(ours.get('node_uname_info')![0].labels, theirs.get('node_uname_info')![0].labels);
    assert.deepEqual(ours.get('node_os_info')![0].labels, theirs.get('node_os_info')![0].labels);
  });
});

describe('sonde collect --once', () => {
  it('prints every family with sonde_collector_success and duration per collector', async () => {
    const out = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [
          '--conditions=sonde-src',
          '--import',
          'tsx',
          'packages/sonde/src/cli/main.ts',
          'collect',
          '--once',
          '--format',
          'json',
          '--collectors',
          'cpu,loadavg,meminfo,process',
        ],
        { cwd: ROOT, timeout: 60_000 },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
      );
    });
    const json = JSON.parse(out) as {
      families: { name: string; samples: { labels: Record<string, string>; value: number }[] }[];
    };
    const names = new Set(json.families.map((f) => f.name));
    for (const n of [
      'node_cpu_seconds_total',
      'node_load1',
      'node_memory_MemTotal_bytes',
      'process_cpu_seconds_total',
    ])
      assert.ok(names.has(n), n);
    const success = json.families.find((f) => f.name === 'sonde_collector_success')!;
    assert.deepEqual(success.samples.map((s) => s.labels.collector).sort(), [
      'cpu',
      'loadavg',
      'meminfo',
      'process',
    ]);
    assert.ok(success.samples.every((s) => s.value === 1));
    assert.ok(json.families.some((f) => f.name === 'sonde_collector_duration_seconds'));
  });
});
