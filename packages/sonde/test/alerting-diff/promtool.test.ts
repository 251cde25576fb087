// The same rule file over the same data, evaluated by sonde (its rule manager
// and PromQL engine over MemoryStorage) and by Prometheus 2.42 (`promtool test
// rules`, which runs Prometheus's own rule manager): sonde's firing alerts at
// every evaluation time, with labels and expanded annotations, are written as
// promtool's expectations, and promtool must agree with every one.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import pino from 'pino';
import { stringify } from 'yaml';
import { FakeClock } from '../../src/alerting/index.js';
import type { AlertingRule } from '../../src/alerting/rules/alerting-rule.js';
import { parseRuleText } from '../../src/alerting/rules/file.js';
import { RuleManager } from '../../src/alerting/rules/manager.js';
import { createQueryEngine } from '../../src/query/index.js';
import { MemoryStorage } from '../../src/storage/index.js';
import { tempDir } from '../alerting/support.js';

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
const SERIES: [string, Record<string, string>, number[]][] = [
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

describe('sonde fires the same alerts as Prometheus', {
  skip: !existsSync(PROMTOOL) && `${PROMTOOL} is not installed (.ci/run installs it)`,
}, () => {
  const dir = tempDir('sonde-alert-diff-');
  after(() => dir.remove());

  it('at every evaluation time, with the same labels and annotations', async () => {
    const storage = new MemoryStorage();
    const app = storage.appender();
    for (const [name, labels, values] of SERIES) {
      for (const [i, v] of values.entries()) app.append({ __name__: name, ...labels }, i * MIN, v);
    }
    await app.commit();
    const clock = new FakeClock(0);
    const manager = new RuleManager({
      storage,
      engine: createQueryEngine(storage),
      clock,
      logger: pino({ level: 'silent' }),
      stateFile: null,
      defaultIntervalMs: MIN,
      externalLabels: {},
      externalURL: '',
      resendDelayMs: MIN,
      notify: () => {},
      load: async () => parseRuleText(RULES, 'rules.yml'),
    });
    assert.deepEqual(await manager.start(), []);
    const alertNames = manager
      .groups()
      .flatMap((g) => g.rules.filter((r) => r.kind === 'alert').map((r) => r.name));
    const cases: Record<string, unknown>[] = [];
    let firingSeen = 0;
    for (let step = 0; step < STEPS; step++) {
      await manager.evaluateAll(step * MIN);
      for (const g of manager.groups()) {
        for (const r of g.rules) {
          if (r.kind !== 'alert') continue;
          assert.equal(r.health, 'ok', `${r.name}: ${r.lastError}`);
          const firing = [...(r as AlertingRule).active.values()].filter((a) => a.state === 'firing');
          firingSeen += firing.length;
          cases.push({
            eval_time: `${step}m`,
            alertname: r.name,
            exp_alerts: firing.map((a) => {
              const { alertname: _n, ...labels } = a.labels;
              return { exp_labels: labels, exp_annotations: a.annotations };
            }),
          });
        }
      }
    }
    await manager.stop();
    assert.ok(firingSeen > 20, `the data makes alerts fire (${firingSeen})`);
    assert.deepEqual(new Set(alertNames).size, 5);

    writeFileSync(join(dir.path, 'rules.yml'), RULES);
    const test = {
      rule_files: ['rules.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: SERIES.map(([name, labels, values]) => ({
            series: seriesName(name, labels),
            values: values.join(' '),
          })),
          alert_rule_test: cases,
        },
      ],
    };
    const testFile = join(dir.path, 'test.yml');
    writeFileSync(testFile, stringify(test));
    const r = await promisify(execFile)(PROMTOOL, ['test', 'rules', testFile], { cwd: dir.path }).catch(
      (e: { stdout: string; stderr: string }) => e,
    );
    assert.match(
      `${r.stdout}${r.stderr}`,
      /SUCCESS/,
      `promtool disagrees with sonde:\n${r.stdout}${r.stderr}`,
    );
  });
});
