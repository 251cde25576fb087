// The running server's other data modes: scraping targets from scrape_configs,
// and reading from a remote VictoriaMetrics (remote_store) while forwarding
// what it collects there (remote_write).
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startVictoriaMetrics } from './support/peers.js';
import { startSondeProcess, waitFor } from './support/sonde-process.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sonde-modes-'));
});
after(async () => rm(dir, { recursive: true, force: true }));

interface Vector {
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

async function instant(url: string, query: string): Promise<Vector['data']['result']> {
  const body = (await (
    await fetch(`${url}/api/v1/query?${new URLSearchParams({ query })}`)
  ).json()) as Vector;
  return body.data.result;
}

describe('server modes', () => {
  it('scrapes the targets in scrape_configs', async () => {
    let hits = 0;
    const target: Server = createServer((_req, res) => {
      hits++;
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end(`# TYPE app_jobs_total counter\napp_jobs_total{queue="mail"} ${hits * 5}\n`);
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const port = (target.address() as AddressInfo).port;
    await writeFile(
      join(dir, 'scrape.yaml'),
      `scrape_configs:\n  - job_name: app\n    scrape_interval: 1s\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n        labels: { env: test }\n`,
    );
    const sonde = await startSondeProcess([
      '--config',
      join(dir, 'scrape.yaml'),
      '--data-dir',
      join(dir, 'scrape-data'),
    ]);
    try {
      const up = await waitFor('up{job="app"}', async () => {
        const r = await instant(sonde.url, 'up{job="app"}');
        return r.length ? r : undefined;
      });
      assert.equal(up[0].value[1], '1');
      assert.equal(up[0].metric.instance, `127.0.0.1:${port}`);
      const jobs = await waitFor('app_jobs_total', async () => {
        const r = await instant(sonde.url, 'app_jobs_total');
        return r.length ? r : undefined;
      });
      assert.deepEqual(jobs[0].metric, {
        __name__: 'app_jobs_total',
        env: 'test',
        instance: `127.0.0.1:${port}`,
        job: 'app',
        queue: 'mail',
      });
      const targets = (await (await fetch(`${sonde.url}/api/v1/targets`)).json()) as {
        data: { activeTargets: { health: string }[] };
      };
      assert.equal(targets.data.activeTargets[0].health, 'up');
    } finally {
      assert.equal(await sonde.stop(), 0, sonde.output());
      target.close();
    }
  });

  it('answers queries and analytics from a remote VictoriaMetrics it forwards to', async () => {
    const vm = await startVictoriaMetrics(join(dir, 'vm'));
    await writeFile(
      join(dir, 'remote.yaml'),
      `remote_write:\n  - url: ${vm.url}/api/v1/write\nremote_store:\n  url: ${vm.url}\n`,
    );
    const sonde = await startSondeProcess([
      '--config',
      join(dir, 'remote.yaml'),
      '--data-dir',
      join(dir, 'remote-data'),
    ]);
    try {
      assert.match(sonde.output(), /"mode":"remote_store"/);
      // VictoriaMetrics hides the newest 30 s from queries by default: ask for the last minute.
      const series = await waitFor(
        'node_load1 through the remote',
        async () => {
          await fetch(`${vm.url}/internal/force_flush`);
          const r = await instant(sonde.url, 'max_over_time(node_load1[5m])');
          return r.length ? r : undefined;
        },
        60_000,
      );
      assert.equal(series[0].metric.job, 'sonde');
      const labels = (await (await fetch(`${sonde.url}/api/v1/label/__name__/values`)).json()) as {
        data: string[];
      };
      assert.ok(labels.data.includes('node_load1'), 'label values come from the remote');
      const use = (await (await fetch(`${sonde.url}/api/sonde/v1/bottlenecks?window=5m`)).json()) as {
        status: string;
      };
      assert.equal(use.status, 'success');
      assert.ok(
        !(await import('node:fs')).existsSync(join(dir, 'remote-data', 'wal')),
        'no local store in remote_store mode',
      );
    } finally {
      assert.equal(await sonde.stop(), 0, sonde.output());
      await vm.stop();
    }
  });
});
