// Notifications end to end: rules → dispatcher → outbox → a real HTTP
// receiver on loopback, with a fake clock so group_wait and repeat_interval
// take no real time.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeClock } from '../../src/alerting/index.js';
import { FakeEngine } from '../../src/alerting/testing/fake-engine.js';
import { Receiver, harness, tempDir } from './support.js';

const MIN = 60_000;
const RULES = `
groups:
  - name: app
    interval: 15s
    rules:
      - alert: HighErrorRate
        expr: errors > 0.05
        for: 1m
        labels: { severity: critical, team: web }
        annotations:
          summary: 'Error rate {{ $value | humanizePercentage }} on {{ $labels.instance }}'
      - alert: InstanceDown
        expr: up == 0
        labels: { severity: page }
`;

function alertingConfig(url: string, extra: Record<string, unknown> = {}) {
  return {
    route: {
      receiver: 'web',
      group_by: ['alertname'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '1h',
    },
    receivers: [{ name: 'web', webhook_configs: [{ url }] }],
    ...extra,
  };
}

describe('notifications', () => {
  const receiver = new Receiver();
  const dirs: (() => void)[] = [];
  before(() => receiver.up());
  after(async () => {
    await receiver.down();
    for (const d of dirs) d();
  });

  it('groups, waits group_wait, sends the Alertmanager v4 webhook payload, repeats and resolves', async () => {
    receiver.received.length = 0;
    const dir = tempDir('sonde-notify-');
    dirs.push(dir.remove);
    const { alerting, clock, engine } = harness({
      dir: dir.path,
      rules: RULES,
      alerting: alertingConfig(receiver.url),
    });
    let errors = [
      { labels: { __name__: 'errors', instance: 'a' }, v: 0.1 },
      { labels: { __name__: 'errors', instance: 'b' }, v: 0.2 },
    ];
    engine.set('errors > 0.05', () => errors);
    await alerting.start();
    const firingAt = clock.now();
    await clock.advance(75_000 + 15_000);
    // Firing after `for: 1m`, then held for group_wait (30 s): nothing yet at 15 s after firing.
    assert.equal(receiver.received.length, 0);
    await clock.advance(45_000);
    assert.equal(receiver.received.length, 1, 'one notification for the group of two alerts');
    const first = receiver.received[0];
    const body = first.body as {
      version: string;
      status: string;
      receiver: string;
      groupLabels: Record<string, string>;
      commonLabels: Record<string, string>;
      alerts: {
        status: string;
        labels: Record<string, string>;
        annotations: Record<string, string>;
        endsAt: string;
        fingerprint: string;
      }[];
    };
    assert.equal(body.version, '4');
    assert.equal(
      (first.body as { groupKey: string }).groupKey,
      '{}:{alertname="HighErrorRate"}',
      "Alertmanager's group key",
    );
    assert.equal(body.status, 'firing');
    assert.equal(body.receiver, 'web');
    assert.deepEqual(body.groupLabels, { alertname: 'HighErrorRate' });
    assert.deepEqual(body.commonLabels, { alertname: 'HighErrorRate', severity: 'critical', team: 'web' });
    assert.equal(body.alerts.length, 2);
    assert.equal(body.alerts[0].endsAt, '0001-01-01T00:00:00Z');
    assert.match(body.alerts.map((a) => a.annotations.summary).join(), /Error rate 10% on a/);
    assert.match(String(first.headers['idempotency-key']), /^[0-9a-f-]{36}$/);
    assert.ok(clock.now() - firingAt < 3 * MIN);

    // Nothing new: no notification until repeat_interval.
    await clock.advance(30 * MIN);
    assert.equal(receiver.received.length, 1);
    await clock.advance(35 * MIN);
    assert.equal(receiver.received.length, 2, 'repeated after repeat_interval (1h)');

    // One alert resolves: send_resolved (webhook default) notifies at the next group_interval.
    errors = errors.slice(0, 1);
    await clock.advance(5 * MIN);
    const last = receiver.received.at(-1)!.body as typeof body;
    assert.equal(receiver.received.length, 3);
    assert.deepEqual(
      last.alerts.map((a) => `${a.labels.instance}:${a.status}`),
      ['a:firing', 'b:resolved'],
    );
    errors = [];
    await clock.advance(6 * MIN);
    const final = receiver.received.at(-1)!.body as typeof body;
    assert.equal(final.status, 'resolved');
    const history = alerting.notifications();
    assert.equal(history.filter((h) => h.state === 'delivered').length, receiver.received.length);
    assert.equal(
      new Set(receiver.keys()).size,
      receiver.received.length,
      'a fresh idempotency key per notification',
    );
    await alerting.stop();
  });

  it('routes by matchers with continue, and silences and inhibition mute alerts', async () => {
    receiver.received.length = 0;
    const dir = tempDir('sonde-route-');
    dirs.push(dir.remove);
    const other = new Receiver();
    await other.up();
    const cfg = {
      route: {
        receiver: 'web',
        group_by: ['...'],
        group_wait: '0s',
        group_interval: '1m',
        routes: [
          { matchers: ['severity="page"'], receiver: 'pager', continue: true },
          { match_re: { alertname: 'Instance.*' }, receiver: 'web' },
        ],
      },
      receivers: [
        { name: 'web', webhook_configs: [{ url: receiver.url }] },
        { name: 'pager', webhook_configs: [{ url: other.url }] },
      ],
      inhibit_rules: [
        {
          source_matchers: ['alertname="InstanceDown"'],
          target_matchers: ['alertname="HighErrorRate"'],
          equal: ['instance'],
        },
      ],
    };
    const { alerting, clock, engine } = harness({ dir: dir.path, rules: RULES, alerting: cfg });
    engine.set('up == 0', [{ labels: { __name__: 'up', instance: 'a' }, v: 0 }]);
    engine.set('errors > 0.05', [
      { labels: { instance: 'a' }, v: 0.5 },
      { labels: { instance: 'z' }, v: 0.5 },
    ]);
    await alerting.start();
    await alerting.silences.upsert({
      matchers: [{ name: 'instance', value: 'z|y', isRegex: true }],
      endsAt: clock.now() + 10 * MIN,
      createdBy: 'test',
      comment: 'maintenance on z',
    });
    await clock.advance(3 * MIN);
    const web = receiver.received.flatMap((r) =>
      (r.body.alerts as { labels: Record<string, string> }[]).map(
        (a) => `${a.labels.alertname}/${a.labels.instance}`,
      ),
    );
    const pager = other.received.flatMap((r) =>
      (r.body.alerts as { labels: Record<string, string> }[]).map(
        (a) => `${a.labels.alertname}/${a.labels.instance}`,
      ),
    );
    assert.deepEqual([...new Set(pager)], ['InstanceDown/a'], 'the page goes to pager (continue: true)');
    assert.deepEqual(
      [...new Set(web)],
      ['InstanceDown/a'],
      'and on to web; HighErrorRate/a inhibited, /z silenced',
    );

    // The silence ends: the silenced alert is notified.
    const [silence] = alerting.silences.list();
    assert.equal(silence.state, 'active');
    await alerting.silences.expire(silence.id);
    await clock.advance(2 * MIN);
    const after = receiver.received.flatMap((r) =>
      (r.body.alerts as { labels: Record<string, string> }[]).map(
        (a) => `${a.labels.alertname}/${a.labels.instance}`,
      ),
    );
    assert.ok(after.includes('HighErrorRate/z'));
    assert.ok(!after.includes('HighErrorRate/a'), 'still inhibited by InstanceDown on the same instance');
    await alerting.stop();
    await other.down();
  });

  it('a receiver that is down for a while gets every notification exactly once when it is back', async () => {
    const dir = tempDir('sonde-outage-');
    dirs.push(dir.remove);
    const flaky = new Receiver();
    await flaky.up();
    await flaky.down();
    const cfg = alertingConfig(flaky.url, {});
    (cfg.route as Record<string, unknown>).group_by = ['...'];
    (cfg.route as Record<string, unknown>).group_wait = '0s';
    const { alerting, clock, engine } = harness({
      dir: dir.path,
      rules: RULES,
      alerting: cfg,
      retry: { baseMs: 1000, maxMs: 16_000 },
    });
    const down = new Set(['a', 'b', 'c']);
    engine.set('up == 0', () => [...down].map((instance) => ({ labels: { instance }, v: 0 })));
    await alerting.start();
    await clock.advance(MIN);
    down.delete('b');
    await clock.advance(6 * MIN);
    const owed = alerting.notifications().filter((n) => n.state === 'pending');
    assert.ok(owed.length >= 4, `notifications owed while the receiver is down (${owed.length})`);
    assert.ok(
      Math.max(...owed.map((n) => n.attempts)) > 3,
      'the oldest was retried with backoff; the rest wait behind it, in order',
    );
    await flaky.up();
    await clock.advance(MIN);
    assert.equal(alerting.notifications().filter((n) => n.state === 'pending').length, 0);
    const keys = flaky.keys();
    assert.equal(keys.length, owed.length, 'every owed notification arrived');
    assert.equal(new Set(keys).size, keys.length, 'none twice');
    // In order: b's resolution comes after its firing.
    const bStates = flaky.received.flatMap((r) =>
      (r.body.alerts as { labels: Record<string, string>; status: string }[])
        .filter((a) => a.labels.instance === 'b')
        .map((a) => a.status),
    );
    assert.deepEqual(bStates, ['firing', 'resolved']);
    await alerting.stop();
    await flaky.down();
  });

  it('a restart in the middle of a firing alert does not notify again, and owed notifications survive it', async () => {
    const dir = tempDir('sonde-restart-');
    dirs.push(dir.remove);
    const rcv = new Receiver();
    await rcv.up();
    const cfg = alertingConfig(rcv.url);
    const clock = new FakeClock(Date.UTC(2026, 0, 1, 12));
    const engine = new FakeEngine().set('up == 0', [{ labels: { instance: 'a' }, v: 0 }]);
    const one = harness({ dir: dir.path, rules: RULES, alerting: cfg, clock, engine });
    await one.alerting.start();
    await clock.advance(2 * MIN);
    assert.equal(rcv.received.length, 1);
    await one.alerting.stop();

    // sonde is away for 10 minutes; the alert still fires when it is back.
    await clock.advance(10 * MIN);
    const two = harness({ dir: dir.path, rules: RULES, alerting: cfg, clock, engine });
    await two.alerting.start();
    await clock.advance(20 * MIN);
    assert.equal(rcv.received.length, 1, 'no second page for the same firing alert');
    const alert = two.alerting.alerts().alerts[0];
    assert.equal(alert.state, 'firing');

    // A notification owed when sonde stops is delivered after the restart, once.
    await rcv.down();
    engine.set('up == 0', []);
    await clock.advance(6 * MIN);
    const pending = two.alerting.notifications().filter((n) => n.state === 'pending');
    assert.equal(pending.length, 1, 'the resolution is owed');
    await two.alerting.stop();
    await rcv.up();
    const three = harness({ dir: dir.path, rules: RULES, alerting: cfg, clock, engine });
    await three.alerting.start();
    await clock.advance(MIN);
    assert.equal(rcv.received.length, 2);
    assert.equal((rcv.received[1].body as { status: string }).status, 'resolved');
    assert.equal(
      rcv.received[1].headers['idempotency-key'],
      pending[0].id,
      'sent with the key it was written with',
    );
    await three.alerting.stop();
    await rcv.down();
  });
});
