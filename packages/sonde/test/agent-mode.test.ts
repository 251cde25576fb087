// `sonde start --agent --remote-write URL`: collect and forward only, into a
// real Prometheus.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startPrometheus } from './support/peers.js';
import { startSondeProcess, waitFor } from './support/sonde-process.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sonde-agent-'));
});
after(async () => rm(dir, { recursive: true, force: true }));

describe('agent mode', () => {
  it('forwards the host metrics it collects to Prometheus and keeps no local store', async () => {
    const prom = await startPrometheus(join(dir, 'prom'));
    const dataDir = join(dir, 'agent-data');
    const agent = await startSondeProcess([
      '--agent',
      '--remote-write',
      `${prom.url}/api/v1/write`,
      '--data-dir',
      dataDir,
    ]);
    try {
      const result = await waitFor('node_load1 in Prometheus', async () => {
        const r = (await (await fetch(`${prom.url}/api/v1/query?query=node_load1`)).json()) as {
          data: { result: { metric: Record<string, string> }[] };
        };
        return r.data.result.length > 0 ? r.data.result : undefined;
      });
      assert.equal(result[0].metric.job, 'sonde');
      assert.ok(result[0].metric.instance);
      assert.match(agent.output(), /"mode":"agent"/);
      const cpu = (await (
        await fetch(`${prom.url}/api/v1/query?query=count(node_cpu_seconds_total)`)
      ).json()) as {
        data: { result: { value: [number, string] }[] };
      };
      assert.ok(Number(cpu.data.result[0].value[1]) >= 8, 'per-CPU, per-mode series arrive');
      const entries = await readdir(dataDir);
      assert.ok(entries.includes('remote-write'), 'the queue lives in the data directory');
      assert.ok(!entries.some((e) => /wal|chunks|blocks/.test(e)), `no local store: ${entries.join(', ')}`);
    } finally {
      assert.equal(await agent.stop(), 0, agent.output());
      await prom.stop();
    }
  });

  it('refuses agent mode without a remote_write url', async () => {
    await assert.rejects(
      startSondeProcess(['--agent', '--data-dir', join(dir, 'none')]),
      /no remote_write url is configured/,
    );
  });
});
