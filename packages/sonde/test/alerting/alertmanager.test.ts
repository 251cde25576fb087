// sonde forwarding to a real Prometheus Alertmanager (Debian's
// prometheus-alertmanager 0.25) started on loopback: the alerts show up in
// its GET /api/v2/alerts, and leave it when they resolve.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeClock } from '../../src/alerting/index.js';
import { harness, tempDir } from './support.js';

const BIN = '/usr/bin/prometheus-alertmanager';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: { state: string };
  startsAt: string;
  generatorURL: string;
}

describe('forwarding to Prometheus Alertmanager', {
  skip: !existsSync(BIN) && `${BIN} is not installed (.ci/run installs it)`,
}, () => {
  const dir = tempDir('sonde-am-');
  let am: ChildProcess | null = null;
  let base = '';
  let log = '';

  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const config = join(dir.path, 'alertmanager.yml');
    writeFileSync(config, 'route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n');
    am = spawn(
      BIN,
      [
        `--config.file=${config}`,
        `--storage.path=${join(dir.path, 'am-data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    am.stdout?.on('data', (c: Buffer) => void (log += c));
    am.stderr?.on('data', (c: Buffer) => void (log += c));
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        if ((await fetch(`${base}/-/ready`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline || am.exitCode !== null)
        throw new Error(`alertmanager did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  after(async () => {
    if (am && am.exitCode === null) {
      const exited = new Promise((r) => am!.once('exit', r));
      am.kill('SIGTERM');
      await exited;
    }
    dir.remove();
  });

  async function amAlerts(): Promise<AmAlert[]> {
    const res = await fetch(`${base}/api/v2/alerts`);
    assert.equal(res.status, 200);
    return (await res.json()) as AmAlert[];
  }

  async function until<T>(what: string, fn: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const v = await fn();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('shows sonde’s alerts in Alertmanager’s API, and resolves them', async () => {
    const rules = `
groups:
  - name: node
    rules:
      - alert: NodeDown
        expr: up{job="node"} == 0
        for: 30s
        labels: { severity: critical }
        annotations: { summary: '{{ $labels.instance }} is down' }
`;
    const { alerting, clock, engine } = harness({
      dir: dir.path,
      rules,
      // Behind real time, so that a resolve time sonde sends is already past for Alertmanager.
      clock: new FakeClock(Date.now() - 3 * 60_000),
      alerting: {
        external_labels: { cluster: 'test' },
        alertmanagers: [{ static_configs: [{ targets: [base.slice('http://'.length)] }] }],
      },
    });
    let down = true;
    engine.set('up{job="node"} == 0', () =>
      down ? [{ labels: { __name__: 'up', job: 'node', instance: 'db1:9100' }, v: 0 }] : [],
    );
    await alerting.start();
    await clock.advance(60_000);
    const [alert] = await until('the alert in Alertmanager', async () => {
      const list = await amAlerts();
      return list.length ? list : undefined;
    });
    assert.deepEqual(alert.labels, {
      alertname: 'NodeDown',
      cluster: 'test',
      instance: 'db1:9100',
      job: 'node',
      severity: 'critical',
    });
    assert.equal(alert.annotations.summary, 'db1:9100 is down');
    assert.equal(alert.status.state, 'active');
    assert.match(alert.generatorURL, /\/graph\?g0\.expr=up/);
    assert.equal(alerting.notifications()[0].state, 'delivered');

    down = false;
    await clock.advance(15_000);
    await until('the alert to resolve in Alertmanager', async () =>
      (await amAlerts()).length === 0 ? true : undefined,
    );
    await alerting.stop();
  });
});
