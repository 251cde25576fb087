import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { MemoryStorage, isStaleNaN } from '../../storage/index.js';
import type { Labels } from '../../storage/types.js';
import { FakeClock } from '../clock.js';
import { FakeEngine } from '../testing/fake-engine.js';
import type { OutgoingAlert } from './alerting-rule.js';
import { parseRuleText } from './file.js';
import { RuleManager } from './manager.js';

const dir = mkdtempSync(join(tmpdir(), 'sonde-rules-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const logger = pino({ level: 'silent' });
const MIN = 60_000;

const RULES = `
groups:
  - name: g
    interval: 1m
    rules:
      - alert: HighLatency
        expr: latency > 1
        for: 3m
        labels: { severity: page, where: '{{ $labels.instance }}' }
        annotations: { summary: 'latency {{ $value }}s on {{ $labels.instance }}' }
      - record: job:latency:max
        expr: max by (job) (latency)
`;

function setup(
  opts: {
    rules?: string;
    stateFile?: string | null;
    clock?: FakeClock;
    engine?: FakeEngine;
    storage?: MemoryStorage;
  } = {},
) {
  let rules = opts.rules ?? RULES;
  const clock = opts.clock ?? new FakeClock(Date.UTC(2026, 0, 1));
  const engine = opts.engine ?? new FakeEngine();
  const storage = opts.storage ?? new MemoryStorage();
  const sent: OutgoingAlert[][] = [];
  const manager = new RuleManager({
    storage,
    engine,
    clock,
    logger,
    stateFile: opts.stateFile ?? null,
    defaultIntervalMs: MIN,
    externalLabels: {},
    externalURL: 'http://sonde:9977',
    resendDelayMs: MIN,
    notify: (a) => sent.push(a),
    load: async () => parseRuleText(rules, 'rules.yml'),
  });
  clock.settle = () => manager.idle();
  return { clock, engine, storage, sent, manager, setRules: (r: string) => void (rules = r) };
}

function series(storage: MemoryStorage, name: string): { labels: Labels; t: number[]; v: number[] }[] {
  const q = storage.querier();
  const out = [...q.select([{ type: '=', name: '__name__', value: name }], 0, Number.MAX_SAFE_INTEGER)].map(
    (s) => ({
      labels: s.labels,
      t: [...s.t],
      v: [...s.v],
    }),
  );
  q.close();
  return out;
}

describe('rule manager', () => {
  it('moves an alert inactive → pending → firing → resolved as Prometheus does', async () => {
    const { clock, engine, storage, sent, manager } = setup();
    let high = true;
    engine.set('latency > 1', () =>
      high ? [{ labels: { __name__: 'latency', instance: 'a', job: 'api' }, v: 2.5 }] : [],
    );
    engine.set('max by (job) (latency)', [{ labels: { job: 'api' }, v: 2.5 }]);
    await manager.start();
    const t0 = clock.now();
    await manager.evaluateAll(t0);
    const rule = manager.groups()[0].rules[0];
    const alert = () => [...(rule as import('./alerting-rule.js').AlertingRule).active.values()][0];
    assert.equal(alert().state, 'pending');
    assert.deepEqual(alert().labels, {
      alertname: 'HighLatency',
      instance: 'a',
      job: 'api',
      severity: 'page',
      where: 'a',
    });
    assert.equal(alert().annotations.summary, 'latency 2.5s on a');
    assert.equal(sent.length, 0, 'pending alerts are not sent');
    for (let m = 1; m < 3; m++) await manager.evaluateAll(t0 + m * MIN);
    assert.equal(alert().state, 'pending');
    await manager.evaluateAll(t0 + 3 * MIN);
    assert.equal(alert().state, 'firing');
    assert.equal(alert().firedAt, t0 + 3 * MIN);
    assert.equal(sent.length, 1);
    assert.equal(sent[0][0].startsAt, t0 + 3 * MIN);
    assert.equal(sent[0][0].endsAt, t0 + 7 * MIN, 'valid for 4 × max(interval, resend delay)');
    // Re-sent once the resend delay has passed, not before.
    await manager.evaluateAll(t0 + 4 * MIN);
    assert.equal(sent.length, 1);
    await manager.evaluateAll(t0 + 5 * MIN);
    assert.equal(sent.length, 2);

    high = false;
    await manager.evaluateAll(t0 + 6 * MIN);
    assert.equal(alert().state, 'inactive');
    assert.equal(sent.length, 3);
    assert.equal(sent[2][0].endsAt, t0 + 6 * MIN, 'a resolved alert carries its resolve time');
    // Kept (and re-sent) for 15 minutes, then dropped.
    await manager.evaluateAll(t0 + 21 * MIN);
    assert.ok(alert());
    await manager.evaluateAll(t0 + 22 * MIN);
    assert.equal(alert(), undefined);

    const alerts = series(storage, 'ALERTS');
    const pending = alerts.find((s) => s.labels.alertstate === 'pending')!;
    const firing = alerts.find((s) => s.labels.alertstate === 'firing')!;
    assert.deepEqual(pending.t.slice(0, 3), [t0, t0 + MIN, t0 + 2 * MIN]);
    assert.ok(isStaleNaN(pending.v[3]), 'the pending series goes stale when the alert fires');
    assert.deepEqual(firing.t.slice(0, 3), [t0 + 3 * MIN, t0 + 4 * MIN, t0 + 5 * MIN]);
    assert.ok(isStaleNaN(firing.v[3]));
    const forState = series(storage, 'ALERTS_FOR_STATE')[0];
    assert.equal(forState.v[0], t0 / 1000);
    assert.equal(series(storage, 'job:latency:max')[0].v[0], 2.5);
    await manager.stop();
  });

  it('keep_firing_for keeps a firing alert after its condition clears', async () => {
    const rules = `
groups:
  - name: k
    rules:
      - alert: Flappy
        expr: up == 0
        keep_firing_for: 2m
`;
    const { clock, engine, manager } = setup({ rules });
    let down = true;
    engine.set('up == 0', () => (down ? [{ labels: { instance: 'x' }, v: 0 }] : []));
    await manager.start();
    const t0 = clock.now();
    const active = () =>
      [...(manager.groups()[0].rules[0] as import('./alerting-rule.js').AlertingRule).active.values()][0];
    await manager.evaluateAll(t0);
    assert.equal(active().state, 'firing', 'for: 0 fires at once');
    down = false;
    await manager.evaluateAll(t0 + MIN);
    await manager.evaluateAll(t0 + 2 * MIN);
    assert.equal(active().state, 'firing');
    await manager.evaluateAll(t0 + 3 * MIN);
    assert.equal(active().state, 'inactive');
    await manager.stop();
  });

  it('runs groups on their interval at aligned timestamps', async () => {
    const { clock, engine, manager } = setup();
    await manager.start();
    await clock.advance(5 * MIN);
    const times = engine.calls.filter((c) => c.expr === 'latency > 1').map((c) => c.t);
    assert.equal(times.length, 5);
    for (let i = 1; i < times.length; i++) assert.equal(times[i] - times[i - 1], MIN);
    await manager.stop();
  });

  it('a restart resumes firing alerts from the state file as the same alerts', async () => {
    const stateFile = join(dir, 'restart', 'rules-state.json');
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const engine = new FakeEngine().set('latency > 1', [{ labels: { instance: 'a' }, v: 3 }]);
    const first = setup({ stateFile, clock, engine });
    await first.manager.start();
    await clock.advance(6 * MIN);
    assert.equal(first.sent.length, 2, 'fired, then re-sent after the resend delay');
    await first.manager.stop();

    const second = setup({ stateFile, clock, engine });
    await second.manager.start();
    const rule = second.manager.groups()[0].rules[0] as import('./alerting-rule.js').AlertingRule;
    const a = [...rule.active.values()][0];
    assert.equal(a.state, 'firing', 'restored as firing, not pending');
    await clock.advance(MIN / 2);
    await second.manager.evaluateAll(clock.now());
    // Re-sent to notification as the same alert (same start), which the notification log deduplicates.
    for (const batch of second.sent)
      for (const x of batch) assert.equal(x.startsAt, first.sent[0][0].startsAt);
    await second.manager.stop();
  });

  it('reload keeps the state of rules that did not change and rejects broken files', async () => {
    const { clock, engine, manager, setRules } = setup();
    engine.set('latency > 1', [{ labels: { instance: 'a' }, v: 3 }]);
    await manager.start();
    const t0 = clock.now();
    await manager.evaluateAll(t0);
    setRules(`${RULES}      - alert: Another\n        expr: vector(1)\n`);
    assert.deepEqual(await manager.reload(), []);
    const rule = manager.groups()[0].rules[0] as import('./alerting-rule.js').AlertingRule;
    assert.equal([...rule.active.values()][0].activeAt, t0, 'pending state carried over');
    assert.equal(manager.groups()[0].rules.length, 3);
    setRules('groups: [ { name: x, rules: [ { alert: A, expr: "up ==" } ] } ]');
    const problems = await manager.reload();
    assert.equal(problems.length, 1);
    assert.equal(manager.groups()[0].rules.length, 3, 'a broken file changes nothing');
    await manager.stop();
  });
});
