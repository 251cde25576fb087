import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { configSchema } from '../config/schema.js';
import { MemoryStorage } from '../storage/index.js';
import { createAlerting } from './alerting.js';
import { builtinGroups, builtinRuleNames } from './builtin-rules.js';
import { FakeClock } from './clock.js';
import { parseRuleText } from './rules/file.js';
import { RuleManager } from './rules/manager.js';
import { FakeEngine } from './testing/fake-engine.js';

describe('built-in rules', () => {
  it('cover the host and apps, each with a summary and a runbook', () => {
    const names = builtinRuleNames();
    for (const n of [
      'HostDiskWillFillIn4Hours',
      'HostMemoryPressure',
      'HostCpuSaturated',
      'HostClockSkew',
      'SondeCollectorFailing',
      'AppLatencyP95Regression',
      'AppErrorRateSpike',
      'AppEventLoopLag',
    ]) {
      assert.ok(names.includes(n), n);
    }
    for (const g of builtinGroups()) {
      for (const r of g.rules) {
        assert.ok(r.annotations.summary?.length > 20, `${r.name} summary`);
        assert.ok(r.annotations.runbook?.length > 80, `${r.name} runbook`);
        assert.ok(r.labels.severity, `${r.name} severity`);
      }
    }
    const disk = builtinGroups()[0].rules[0];
    assert.match(disk.expr, /predict_linear\(node_filesystem_avail_bytes/);
  });

  it('can be switched off one by one or all together', async () => {
    const without = builtinGroups(['HostClockSkew', 'AppEventLoopLag']).flatMap((g) =>
      g.rules.map((r) => r.name),
    );
    assert.ok(!without.includes('HostClockSkew') && !without.includes('AppEventLoopLag'));
    assert.equal(without.length, builtinRuleNames().length - 2);
    const make = (builtin_rules: object) =>
      createAlerting({
        config: configSchema.parse({ alerting: { builtin_rules } }),
        engine: new FakeEngine(),
        storage: new MemoryStorage(),
        dataDir: null,
        logger: pino({ level: 'silent' }),
        clock: new FakeClock(),
      });
    const on = make({});
    await on.start();
    assert.equal(on.rules().groups.flatMap((g) => g.rules).length, builtinRuleNames().length);
    await on.stop();
    const off = make({ enabled: false });
    await off.start();
    assert.equal(off.rules().groups.length, 0);
    await off.stop();
  });

  it('runs sonde’s anomaly and forecast alerts: PromQL with the analytics extension functions', async () => {
    const text = `
groups:
  - name: sonde-kinds
    rules:
      - alert: LatencyAnomaly
        expr: anomaly_score(http_server_request_duration_seconds:p95) > 0.9
        for: 5m
      - alert: DiskFullForecast
        expr: time_to_threshold(node_filesystem_avail_bytes[6h], 0) < 4 * 3600
`;
    assert.deepEqual(parseRuleText(text, 'kinds.yml').problems, []);
    const engine = new FakeEngine()
      .set('anomaly_score(http_server_request_duration_seconds:p95) > 0.9', [
        { labels: { route: '/api' }, v: 0.97 },
      ])
      .set('time_to_threshold(node_filesystem_avail_bytes[6h], 0) < 4 * 3600', [
        { labels: { mountpoint: '/' }, v: 9000 },
      ]);
    const clock = new FakeClock();
    const manager = new RuleManager({
      storage: new MemoryStorage(),
      engine,
      clock,
      logger: pino({ level: 'silent' }),
      stateFile: null,
      defaultIntervalMs: 60_000,
      externalLabels: {},
      externalURL: '',
      resendDelayMs: 60_000,
      notify: () => {},
      load: async () => parseRuleText(text, 'kinds.yml'),
    });
    await manager.start();
    for (let m = 0; m <= 5; m++) await manager.evaluateAll(clock.now() + m * 60_000);
    const states = manager
      .groups()[0]
      .rules.map((r) => [
        r.name,
        r.health,
        [...(r as import('./rules/alerting-rule.js').AlertingRule).active.values()][0]?.state,
      ]);
    assert.deepEqual(states, [
      ['LatencyAnomaly', 'ok', 'firing'],
      ['DiskFullForecast', 'ok', 'firing'],
    ]);
    await manager.stop();
  });
});
