// Rule files from the config, evaluated by the running server; reload on
// POST /-/reload and SIGHUP.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSondeProcess, waitFor } from './support/sonde-process.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sonde-server-alerting-'));
});
after(async () => rm(dir, { recursive: true, force: true }));

const rules = (alert: string) => `groups:
  - name: e2e
    interval: 1s
    rules:
      - alert: ${alert}
        expr: node_load1 >= 0
        labels: { severity: page }
        annotations: { summary: "load is {{ $value }} on {{ $labels.instance }}" }
`;

interface AlertsBody {
  data: { alerts: { labels: Record<string, string>; state: string; annotations: Record<string, string> }[] };
}

describe('alerting in the running server', () => {
  it('fires rules from the config and reloads them on /-/reload and SIGHUP', async () => {
    await writeFile(join(dir, 'rules.yml'), rules('LoadSeen'));
    await writeFile(join(dir, 'sonde.yaml'), 'rule_files: [rules.yml]\n');
    const sonde = await startSondeProcess([
      '--config',
      join(dir, 'sonde.yaml'),
      '--data-dir',
      join(dir, 'data'),
    ]);
    try {
      const firing = await waitFor('LoadSeen firing', async () => {
        const body = (await (await fetch(`${sonde.url}/api/v1/alerts`)).json()) as AlertsBody;
        return body.data.alerts.find((a) => a.labels.alertname === 'LoadSeen' && a.state === 'firing');
      });
      assert.equal(firing.labels.severity, 'page');
      assert.match(firing.annotations.summary, /^load is [\d.]+ on /);

      await writeFile(join(dir, 'rules.yml'), rules('LoadSeenAgain'));
      const r = await fetch(`${sonde.url}/-/reload`, { method: 'POST' });
      assert.equal(r.status, 200, await r.text());
      await waitFor('the reloaded rule', async () => {
        const body = (await (await fetch(`${sonde.url}/api/v1/alerts`)).json()) as AlertsBody;
        return body.data.alerts.some((a) => a.labels.alertname === 'LoadSeenAgain') ? true : undefined;
      });

      await writeFile(
        join(dir, 'rules.yml'),
        'groups: [ {name: broken, rules: [ {alert: X, expr: "sum("} ] } ]\n',
      );
      const bad = await fetch(`${sonde.url}/-/reload`, { method: 'POST' });
      assert.equal(bad.status, 500);
      assert.match(((await bad.json()) as { error: string }).error, /kept the running rules/);

      await writeFile(join(dir, 'rules.yml'), rules('AfterHangup'));
      sonde.child.kill('SIGHUP');
      await waitFor('the rule loaded on SIGHUP', async () => {
        const body = (await (await fetch(`${sonde.url}/api/v1/rules`)).json()) as {
          data: { groups: { rules: { name: string }[] }[] };
        };
        return body.data.groups.some((g) => g.rules.some((x) => x.name === 'AfterHangup')) ? true : undefined;
      });
    } finally {
      assert.equal(await sonde.stop(), 0, sonde.output());
    }
  });
});
