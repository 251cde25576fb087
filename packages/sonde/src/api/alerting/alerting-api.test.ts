import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Fastify from 'fastify';
import { Receiver, harness, tempDir } from '../../../test/alerting/support.js';
import type { ApiDeps } from '../deps.js';
import { alertingRoutes } from './index.js';

const RULES = `
groups:
  - name: g
    rules:
      - alert: Down
        expr: up == 0
        for: 1m
        labels: { severity: page }
        annotations: { summary: '{{ $labels.instance }} down' }
      - record: up:sum
        expr: sum(up)
`;

describe('alerting HTTP API', () => {
  const dir = tempDir('sonde-alert-api-');
  after(() => dir.remove());

  it('serves rules and alerts as Prometheus does, silences and notification history', async () => {
    const receiver = new Receiver();
    await receiver.up();
    const { alerting, clock, engine } = harness({
      dir: dir.path,
      rules: RULES,
      alerting: {
        route: { receiver: 'r', group_wait: '0s' },
        receivers: [{ name: 'r', webhook_configs: [{ url: receiver.url }] }],
      },
    });
    engine.set('up == 0', [{ labels: { __name__: 'up', instance: 'a' }, v: 0 }]);
    await alerting.start();
    const app = Fastify();
    const auditDir = join(dir.path, 'audit');
    const deps = { config: { data_dir: auditDir } } as ApiDeps;
    await app.register(async (scope) => alertingRoutes(alerting)(scope, deps));
    await clock.advance(30_000);

    const rules = (await app.inject('/api/v1/rules')).json();
    assert.equal(rules.status, 'success');
    const [group] = rules.data.groups;
    assert.equal(group.name, 'g');
    assert.equal(group.interval, 15);
    const [down, rec] = group.rules;
    assert.equal(down.type, 'alerting');
    assert.equal(down.state, 'pending');
    assert.equal(down.duration, 60);
    assert.equal(down.health, 'ok');
    assert.equal(down.alerts[0].labels.instance, 'a');
    assert.equal(down.alerts[0].value, '0e+00');
    assert.equal(rec.type, 'recording');
    assert.equal((await app.inject('/api/v1/rules?type=record')).json().data.groups[0].rules.length, 1);
    assert.equal((await app.inject('/api/v1/rules?type=bogus')).statusCode, 400);

    await clock.advance(60_000);
    const alerts = (await app.inject('/api/v1/alerts')).json();
    assert.equal(alerts.data.alerts[0].state, 'firing');
    assert.match(alerts.data.alerts[0].activeAt, /^\d{4}-\d\d-\d\dT/);

    const bad = await app.inject({
      method: 'POST',
      url: '/api/sonde/v1/silences',
      payload: { matchers: [], endsAt: '2030-01-01T00:00:00Z' },
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error, /at least one matcher/);
    const everything = await app.inject({
      method: 'POST',
      url: '/api/sonde/v1/silences',
      payload: {
        matchers: [{ name: 'instance', value: '.*', isRegex: true }],
        endsAt: '2030-01-01T00:00:00Z',
        createdBy: 'me',
        comment: 'x',
      },
    });
    assert.match(everything.json().error, /must not match the empty string/);
    const created = await app.inject({
      method: 'POST',
      url: '/api/sonde/v1/silences',
      payload: {
        matchers: [{ name: 'instance', value: 'a', isRegex: false }],
        endsAt: new Date(clock.now() + 3_600_000).toISOString(),
        createdBy: 'ops',
        comment: 'deploy',
      },
    });
    assert.equal(created.statusCode, 200, created.body);
    const id = created.json().data.silenceID;
    const silenced = (await app.inject('/api/sonde/v1/alerts')).json().data;
    assert.equal(silenced.length, 1);
    assert.deepEqual(silenced[0].status, { state: 'suppressed', silencedBy: [id], inhibitedBy: [] });
    assert.deepEqual(silenced[0].receivers, [{ name: 'r' }]);
    assert.match(silenced[0].fingerprint, /^[0-9a-f]{16}$/);
    const updated = await app.inject({
      method: 'POST',
      url: '/api/sonde/v1/silences',
      payload: {
        id,
        matchers: [{ name: 'instance', value: 'a', isRegex: false }],
        endsAt: new Date(clock.now() + 7_200_000).toISOString(),
        createdBy: 'ops',
        comment: 'deploy, longer',
      },
    });
    assert.equal(updated.statusCode, 200, updated.body);
    const list = (await app.inject('/api/sonde/v1/silences')).json().data;
    assert.equal(list[0].status.state, 'active');
    assert.equal(list[0].createdBy, 'ops');
    assert.equal(
      (await app.inject({ method: 'DELETE', url: `/api/sonde/v1/silences/${id}` })).statusCode,
      200,
    );
    assert.equal((await app.inject(`/api/sonde/v1/silences/${id}`)).json().data.status.state, 'expired');
    assert.equal((await app.inject('/api/sonde/v1/alerts')).json().data[0].status.state, 'active');
    assert.equal(
      (await app.inject({ method: 'DELETE', url: '/api/sonde/v1/silences/nope' })).statusCode,
      404,
    );
    // Create and expire are in the audit log (refused requests are not): who, what, which silence.
    const audit = (await readFile(join(auditDir, 'audit.log'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      audit.map((e) => [e.action, e.actor, e.detail.id]),
      [
        ['silence.create', 'loopback', id],
        ['silence.update', 'loopback', updated.json().data.silenceID],
        ['silence.expire', 'loopback', id],
      ],
    );
    assert.deepEqual(audit[0].detail.matchers, [
      { name: 'instance', value: 'a', isRegex: false, isEqual: true },
    ]);
    assert.equal(audit[0].detail.createdBy, 'ops');
    assert.equal(audit[0].detail.comment, 'deploy');
    assert.match(audit[0].detail.endsAt, /^\d{4}-\d\d-\d\dT/);
    assert.match(audit[0].time, /^\d{4}-\d\d-\d\dT/);

    const history = (await app.inject('/api/sonde/v1/notifications')).json().data;
    assert.equal(history.length, 1);
    assert.equal(history[0].state, 'delivered');
    assert.equal(history[0].receiver, 'r');
    assert.equal(history[0].status, 'firing');
    await app.close();
    await alerting.stop();
    await receiver.down();
  });
});
