// sonde's remote_write sender against real Prometheus and VictoriaMetrics:
// what they read back equals what was sent, also across an outage.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RemoteWriter } from '../src/forward/index.js';
import { type Peer, startPrometheus, startVictoriaMetrics } from './support/peers.js';
import { waitFor } from './support/sonde-process.js';

const OUTAGE_MS = Number(process.env.SONDE_OUTAGE_SECONDS ?? 8) * 1000;

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sonde-rw-peers-'));
});
after(async () => rm(dir, { recursive: true, force: true }));

type Sample = [number, number];

/** Raw samples of a series from Prometheus, via a range selector at `at`. */
async function promSamples(peer: Peer, selector: string, at: number): Promise<Sample[]> {
  const q = new URLSearchParams({ query: `${selector}[2h]`, time: String(at / 1000) });
  const body = (await (await fetch(`${peer.url}/api/v1/query?${q}`)).json()) as {
    data: { result: { values: [number, string][] }[] };
  };
  return (body.data.result[0]?.values ?? []).map(([t, v]) => [Math.round(t * 1000), Number(v)]);
}

async function vmSamples(peer: Peer, selector: string): Promise<Sample[]> {
  await fetch(`${peer.url}/internal/force_flush`);
  const text = await (
    await fetch(`${peer.url}/api/v1/export?${new URLSearchParams({ 'match[]': selector })}`)
  ).text();
  const line = text.trim().split('\n')[0];
  if (!line) return [];
  const row = JSON.parse(line) as { values: number[]; timestamps: number[] };
  return row.timestamps.map((t, i) => [t, row.values[i]]);
}

function series(base: number, from: number, to: number): Sample[] {
  const out: Sample[] = [];
  for (let i = from; i < to; i++) out.push([base + i * 1000, i % 7 === 0 ? i * 0.25 : i + 0.5]);
  return out;
}

describe('remote_write to real peers', () => {
  it('Prometheus reads back exactly what sonde sent, including what was queued during an outage', async () => {
    let prom = await startPrometheus(join(dir, 'prom'));
    const writer = new RemoteWriter({
      endpoint: { url: `${prom.url}/api/v1/write` },
      dir: join(dir, 'q-prom'),
      shards: 2,
    });
    writer.start();
    const labels = { __name__: 'sonde_test_total', job: 'forward', instance: 'a:1' };
    const base = Date.now() - 30 * 60_000;
    const before = series(base, 0, 100);
    try {
      for (const [t, v] of before) writer.append(labels, t, v);
      writer.commit();
      await waitFor('first batch in Prometheus', async () =>
        (await promSamples(prom, 'sonde_test_total', base + 200_000)).length === 100 ? true : undefined,
      );

      const port = prom.port;
      await prom.stop();
      const during = series(base, 100, 200);
      for (const [t, v] of during) {
        writer.append(labels, t, v);
        if (t % 10_000 === 0) writer.commit();
      }
      writer.commit();
      await new Promise((r) => setTimeout(r, OUTAGE_MS));
      assert.ok(!writer.drained, 'data waits in the queue while the remote is down');
      prom = await startPrometheus(join(dir, 'prom'), port);
      await waitFor('the queue to drain', async () => (writer.drained ? true : undefined), 60_000);
      const got = await promSamples(prom, 'sonde_test_total', base + 300_000);
      assert.deepEqual(got, [...before, ...during]);
      assert.equal(writer.stats().samplesSent, 200);
      assert.equal(writer.stats().samplesDropped, 0);
    } finally {
      await writer.stop();
      await prom.stop();
    }
  });

  it('VictoriaMetrics reads back exactly what sonde sent', async () => {
    const vm = await startVictoriaMetrics(join(dir, 'vm'));
    const writer = new RemoteWriter({
      endpoint: { url: `${vm.url}/api/v1/write` },
      dir: join(dir, 'q-vm'),
      shards: 3,
    });
    writer.start();
    const base = Date.now() - 20 * 60_000;
    const sent = series(base, 0, 300);
    try {
      for (const [t, v] of sent) writer.append({ __name__: 'sonde_vm_test', job: 'forward' }, t, v);
      writer.commit();
      await waitFor('the queue to drain', async () => (writer.drained ? true : undefined));
      const got = await waitFor('samples in VictoriaMetrics', async () => {
        const s = await vmSamples(vm, 'sonde_vm_test');
        return s.length === sent.length ? s : undefined;
      });
      assert.deepEqual(got, sent);
    } finally {
      await writer.stop();
      await vm.stop();
    }
  });
});
