// The same rule file over the same data, evaluated by sonde (its rule manager
// and PromQL engine over MemoryStorage) and by Prometheus 2.42 (`promtool test
// rules`, which runs Prometheus's own rule manager): sonde's firing alerts at
// every evaluation time, with labels and expanded annotations, are written as
// promtool's expectations, and promtool must agree with every one.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pino from 'pino';
import { parse, stringify } from 'yaml';
import { FakeClock } from '../../src/alerting/index.js';
import type { AlertingRule } from '../../src/alerting/rules/alerting-rule.js';
import { parseRuleText } from '../../src/alerting/rules/file.js';
import { RuleManager } from '../../src/alerting/rules/manager.js';
import { createQueryEngine } from '../../src/query/index.js';
import { MemoryStorage } from '../../src/storage/index.js';
import { tempDir } from '../alerting/support.js';

type SeriesSpec = [string, Record<string, string>, number[]][];

const PROMTOOL = '/usr/bin/promtool';
const MIN = 60_000;
const STEPS = 16;

const RULES = `
groups:
  - name: diff
    rules:
      - alert: InstanceDown
        expr: up == 0
        for: 2m
        labels: { severity: page }
        annotations:
          summary: '{{ $labels.instance }} of {{ $labels.job }} is down'
          value: '{{ $value }}'
      - alert: LowMemory
        expr: node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes * 100 < 10
        for: 1m
        keep_firing_for: 3m
        labels:
          severity: warning
        annotations:
          summary: 'Memory {{ $value | humanize }}% available on {{ $labels.instance }}'
          exact: '{{ printf "%.3f" $value }}'
      - alert: DiskFilling
        expr: predict_linear(node_filesystem_avail_bytes[5m], 3600) < 0
        annotations:
          summary: '{{ $labels.mountpoint }} fills within the hour ({{ $value | humanize1024 }}B predicted)'
          avail: '{{ with printf "node_filesystem_avail_bytes{mountpoint=%q}" $labels.mountpoint | query }}{{ . | first | value | humanize1024 }}B{{ end }}'
      - alert: ErrorRatio
        expr: rate(errors_total[3m]) / rate(requests_total[3m]) > 0.05
        labels: { severity: critical }
        annotations:
          summary: '{{ $value | humanizePercentage }} of {{ $labels.route }} fail'
          since: '{{ humanizeDuration 5400 }}'
  - name: rec
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
      - alert: JobDown
        expr: job:up:sum == 0
        annotations:
          summary: 'every {{ $labels.job }} instance is down'
`;

/** promtool's expanding notation, and the same values for sonde. */
const SERIES: SeriesSpec = [
  ['up', { job: 'node', instance: 'a' }, [1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0]],
  ['up', { job: 'node', instance: 'b' }, [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
  ['up', { job: 'api', instance: 'c' }, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]],
  [
    'node_memory_MemAvailable_bytes',
    { instance: 'a' },
    [900, 800, 500, 80, 70, 60, 50, 200, 900, 900, 95, 90, 900, 900, 900, 900, 900],
  ],
  ['node_memory_MemTotal_bytes', { instance: 'a' }, Array(17).fill(1000)],
  [
    'node_filesystem_avail_bytes',
    { mountpoint: '/' },
    Array.from({ length: 17 }, (_, i) => 200_000 - i * 5_000),
  ],
  [
    'node_filesystem_avail_bytes',
    { mountpoint: '/data' },
    Array.from({ length: 17 }, (_, i) => 900_000_000 + (i % 3) * 10),
  ],
  [
    'errors_total',
    { route: '/x' },
    Array.from({ length: 17 }, (_, i) => (i < 6 ? i * 2 : 10 + (i - 6) * 30)),
  ],
  ['requests_total', { route: '/x' }, Array.from({ length: 17 }, (_, i) => i * 100)],
];

function seriesName(name: string, labels: Record<string, string>): string {
  return `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;
}

/**
 * Evaluates `rules` over `series` (one sample a minute from time 0) with sonde
 * for `steps` minutes, turns every firing alert into promtool's expectations,
 * and runs `promtool test rules`. Resolves to promtool's output and the number
 * of firing alerts sonde saw.
 */
async function compare(
  dir: string,
  rules: string,
  series: SeriesSpec,
  steps: number,
): Promise<{ output: string; firing: number; names: Set<string> }> {
  const storage = new MemoryStorage();
  const app = storage.appender();
  for (const [name, labels, values] of series) {
    for (const [i, v] of values.entries()) app.append({ __name__: name, ...labels }, i * MIN, v);
  }
  await app.commit();
  const manager = new RuleManager({
    storage,
    engine: createQueryEngine(storage),
    clock: new FakeClock(0),
    logger: pino({ level: 'silent' }),
    stateFile: null,
    defaultIntervalMs: MIN,
    externalLabels: {},
    externalURL: '',
    resendDelayMs: MIN,
    notify: () => {},
    load: async () => parseRuleText(rules, 'rules.yml'),
  });
  assert.deepEqual(await manager.start(), []);
  const cases: Record<string, unknown>[] = [];
  let firing = 0;
  const names = new Set<string>();
  for (let step = 0; step < steps; step++) {
    await manager.evaluateAll(step * MIN);
    for (const g of manager.groups()) {
      for (const r of g.rules) {
        if (r.kind !== 'alert') continue;
        assert.equal(r.health, 'ok', `${r.name}: ${r.lastError}`);
        const now = [...(r as AlertingRule).active.values()].filter((a) => a.state === 'firing');
        firing += now.length;
        if (now.length) names.add(r.name);
        cases.push({
          eval_time: `${step}m`,
          alertname: r.name,
          exp_alerts: now.map((a) => {
            const { alertname: _n, ...labels } = a.labels;
            return { exp_labels: labels, exp_annotations: a.annotations };
          }),
        });
      }
    }
  }
  await manager.stop();
  writeFileSync(join(dir, 'rules.yml'), rules);
  const test = {
    rule_files: ['rules.yml'],
    evaluation_interval: '1m',
    // Without it promtool evaluates groups in Go map order, which differs run
    // to run; sonde (like Prometheus's own manager per group) goes in file order.
    group_eval_order: (parse(rules) as { groups: { name: string }[] }).groups.map((g) => g.name),
    tests: [
      {
        interval: '1m',
        input_series: series.map(([name, labels, values]) => ({
          series: seriesName(name, labels),
          values: values.join(' '),
        })),
        alert_rule_test: cases,
      },
    ],
  };
  const testFile = join(dir, 'test.yml');
  writeFileSync(testFile, stringify(test));
  const r = await promisify(execFile)(PROMTOOL, ['test', 'rules', testFile], {
    cwd: dir,
    maxBuffer: 16 << 20,
  }).catch((e: { stdout: string; stderr: string }) => e);
  return { output: `${r.stdout}${r.stderr}`, firing, names };
}

/** node_exporter-like series for the host rules fixture, over `n` minutes. */
function hostSeries(n: number): SeriesSpec {
  const at = (f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
  const node = { job: 'node', instance: 'h1:9100' };
  const fs = { ...node, device: '/dev/sda1', fstype: 'ext4', mountpoint: '/var' };
  const out: SeriesSpec = [
    ['node_memory_MemTotal_bytes', node, at(() => 8e9)],
    ['node_memory_MemAvailable_bytes', node, at((i) => (i > 20 && i < 60 ? 5e8 : 4e9))],
    ['node_filesystem_size_bytes', fs, at(() => 1e11)],
    ['node_filesystem_avail_bytes', fs, at((i) => 2e10 - i * 2.5e8)],
    ['node_filesystem_readonly', fs, at(() => 0)],
    ['node_timex_offset_seconds', node, at((i) => (i > 30 ? 0.06 + i * 0.001 : 0.001))],
    ['node_network_receive_errs_total', { ...node, device: 'eth0' }, at((i) => i * (i > 10 ? 50 : 1))],
    ['node_network_receive_packets_total', { ...node, device: 'eth0' }, at((i) => i * 1000)],
    ['up', node, at((i) => (i >= 70 && i < 80 ? 0 : 1))],
  ];
  for (let cpu = 0; cpu < 2; cpu++) {
    for (const [mode, share] of [
      ['idle', 0.04],
      ['user', 0.9],
      ['system', 0.06],
    ] as const) {
      out.push(['node_cpu_seconds_total', { ...node, cpu: String(cpu), mode }, at((i) => i * 60 * share)]);
    }
  }
  return out;
}

describe('sonde fires the same alerts as Prometheus', {
  skip: !existsSync(PROMTOOL) && `${PROMTOOL} is not installed (.ci/run installs it)`,
}, () => {
  const dirs: (() => void)[] = [];
  after(() => {
    for (const d of dirs) d();
  });

  it('at every evaluation time, with the same labels and annotations', async () => {
    const dir = tempDir('sonde-alert-diff-');
    dirs.push(dir.remove);
    const { output, firing } = await compare(dir.path, RULES, SERIES, STEPS);
    assert.ok(firing > 20, `the data makes alerts fire (${firing})`);
    assert.match(output, /SUCCESS/, `promtool disagrees with sonde:\n${output}`);
  });

  it('on node-exporter-mixin style host rules (for: 1h, keep_firing_for, recording rules feeding alerts)', async () => {
    const dir = tempDir('sonde-alert-diff-host-');
    dirs.push(dir.remove);
    const rules = readFileSync(
      fileURLToPath(new URL('../fixtures/alerting/host-rules.yml', import.meta.url)),
      'utf8',
    );
    const { output, names } = await compare(dir.path, rules, hostSeries(95), 95);
    assert.deepEqual([...names].sort(), [
      'HostClockSkew',
      'HostFilesystemFillingUp',
      'HostHighCpuLoad',
      'HostNetworkReceiveErrors',
      'HostOutOfMemory',
      'NodeExporterDown',
    ]);
    assert.match(output, /SUCCESS/, `promtool disagrees with sonde:\n${output.slice(0, 4000)}`);
  });
});
