// The whole path from collection to the query API, through a restart: the
// promise `npm start` makes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startSondeProcess, waitFor } from './support/sonde-process.js';

interface MatrixResponse {
  status: string;
  data: { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] };
}

async function queryRange(url: string, query: string, start: number, end: number): Promise<MatrixResponse> {
  const params = new URLSearchParams({ query, start: String(start), end: String(end), step: '1' });
  const res = await fetch(`${url}/api/v1/query_range?${params}`);
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as MatrixResponse;
}

describe('sonde start, end to end', () => {
  let dataDir = '';
  after(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('collects, answers query_range, and keeps samples across a SIGTERM restart', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sonde-e2e-'));
    const first = await startSondeProcess(['--data-dir', dataDir]);
    const t0 = Date.now() / 1000 - 5;
    let before: MatrixResponse;
    try {
      await waitFor('ready', async () =>
        (await fetch(`${first.url}/-/ready`)).status === 200 ? true : undefined,
      );
      const healthy = await fetch(`${first.url}/-/healthy`);
      assert.equal(healthy.status, 200);

      before = await waitFor('three samples of node_load1', async () => {
        const r = await queryRange(first.url, 'node_load1', t0, Date.now() / 1000);
        return r.data.result[0]?.values.length >= 3 ? r : undefined;
      });
      assert.equal(before.status, 'success');
      assert.equal(before.data.resultType, 'matrix');
      assert.equal(before.data.result[0].metric.__name__, 'node_load1');

      const self = await queryRange(first.url, 'process_resident_memory_bytes', t0, Date.now() / 1000);
      assert.ok(self.data.result.length >= 1, 'sonde records its own process metrics');
      assert.ok(Number(self.data.result[0].values[0][1]) > 1e6);

      const metrics = await fetch(`${first.url}/metrics`);
      assert.equal(metrics.status, 200);
      const exposition = await metrics.text();
      assert.match(exposition, /^process_resident_memory_bytes \d+/m);
      assert.match(exposition, /^sonde_build_info\{version="[^"]+",node="[^"]+"\} 1$/m);
      const check = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
      assert.equal(check.status, 0, `promtool check metrics: ${check.stdout}${check.stderr}`);
    } finally {
      assert.equal(await first.stop('SIGTERM'), 0, first.output());
    }
    assert.match(first.output(), /stopped cleanly/);

    const earlier = before.data.result[0].values;
    const second = await startSondeProcess(['--data-dir', dataDir]);
    try {
      const again = await queryRange(second.url, 'node_load1', t0, earlier[earlier.length - 1][0]);
      assert.equal(again.data.result.length, 1, second.output());
      const after = new Map(again.data.result[0].values.map(([t, v]) => [t, v]));
      for (const [t, v] of earlier) assert.equal(after.get(t), v, `sample at ${t} survived the restart`);
    } finally {
      assert.equal(await second.stop('SIGINT'), 0, second.output());
    }
  });

  it('refuses a bad configuration with a message naming the setting', async () => {
    await assert.rejects(startSondeProcess(['--log-level', 'loud']), (err: Error) => {
      assert.match(err.message, /exited with 2/);
      assert.match(err.message, /log_level: "loud" is not allowed/);
      return true;
    });
  });
});
