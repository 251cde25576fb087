// Alerting in the real `sonde start`: a rule file from the config fires and
// is delivered to a webhook; SIGHUP and POST /-/reload reload the rules (a
// broken file is refused, the running rules stay); a restart in the middle of
// the firing alert does not notify it again.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type SondeProcess, startSondeProcess, waitFor } from '../support/sonde-process.js';
import { Receiver, tempDir } from './support.js';

const RULES = `
groups:
  - name: e2e
    interval: 1s
    rules:
      - alert: AlwaysOn
        expr: vector(1)
        labels: { severity: info }
        annotations: { summary: 'always on ({{ $value }})' }
`;

interface RulesJson {
  data: { groups: { name: string; rules: { name: string; state?: string }[] }[] };
}

describe('alerting in sonde start', () => {
  const dir = tempDir('sonde-alert-e2e-');
  const receiver = new Receiver();
  let sonde: SondeProcess | null = null;
  const rulesPath = join(dir.path, 'rules.yml');
  const configPath = join(dir.path, 'sonde.yml');

  before(async () => {
    await receiver.up();
    writeFileSync(rulesPath, RULES);
    writeFileSync(
      configPath,
      [
        `data_dir: ${join(dir.path, 'data')}`,
        'rule_files: [rules.yml]',
        'alerting:',
        '  evaluation_interval: 1s',
        '  builtin_rules: { enabled: false }',
        '  route: { receiver: hook, group_wait: 0s, group_interval: 1m, repeat_interval: 4h }',
        `  receivers: [ { name: hook, webhook_configs: [ { url: '${receiver.url}' } ] } ]`,
        '',
      ].join('\n'),
    );
  });

  after(async () => {
    await sonde?.stop();
    await receiver.down();
    dir.remove();
  });

  const rules = async () =>
    ((await (await fetch(`${sonde!.url}/api/v1/rules`)).json()) as RulesJson).data.groups;

  it('fires, delivers, reloads, and does not re-page after a restart', async () => {
    sonde = await startSondeProcess(['--config', configPath]);
    await waitFor('the webhook notification', async () => (receiver.received.length > 0 ? true : undefined));
    const body = receiver.received[0].body as {
      status: string;
      alerts: { labels: Record<string, string>; annotations: Record<string, string> }[];
    };
    assert.equal(body.status, 'firing');
    assert.equal(body.alerts[0].labels.alertname, 'AlwaysOn');
    assert.equal(body.alerts[0].annotations.summary, 'always on (1)');

    writeFileSync(rulesPath, `${RULES}      - alert: Second\n        expr: vector(2) > 5\n`);
    sonde.child.kill('SIGHUP');
    await waitFor('the reloaded rule', async () =>
      (await rules())[0].rules.some((r) => r.name === 'Second') ? true : undefined,
    );
    assert.equal((await rules())[0].rules[0].state, 'firing', 'the unchanged rule kept its firing alert');

    writeFileSync(
      rulesPath,
      'groups:\n  - name: e2e\n    rules:\n      - alert: Broken\n        expr: sum(\n',
    );
    const res = await fetch(`${sonde.url}/-/reload`, { method: 'POST' });
    assert.equal(res.status, 500);
    assert.match(
      ((await res.json()) as { error: string }).error,
      /rules\.yml:5:\d+: .*could not parse expression/,
    );
    assert.deepEqual(
      (await rules())[0].rules.map((r) => r.name),
      ['AlwaysOn', 'Second'],
    );

    writeFileSync(rulesPath, RULES);
    assert.equal(await sonde.stop(), 0);
    const before = receiver.received.length;
    sonde = await startSondeProcess(['--config', configPath]);
    await waitFor('AlwaysOn firing again after the restart', async () => {
      const alerts = (
        (await (await fetch(`${sonde!.url}/api/v1/alerts`)).json()) as {
          data: { alerts: { state: string }[] };
        }
      ).data.alerts;
      return alerts.some((a) => a.state === 'firing') ? true : undefined;
    });
    // A few more evaluations and flushes: nothing new to say about the same firing alert.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(receiver.received.length, before, 'no second notification for the same firing alert');
  });
});
