import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { WriteRequestType, snappyUncompress } from '../ingest/index.js';
import { RemoteWriter } from './remote-writer.js';

interface Received {
  labels: Record<string, string>;
  t: number;
  v: number;
}

/** A remote_write receiver whose answer the test controls. */
async function receiver(status: () => number) {
  const got: Received[] = [];
  let requests = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      const code = status();
      if (code === 204) {
        assert.equal(req.headers['content-encoding'], 'snappy');
        assert.equal(req.headers['x-prometheus-remote-write-version'], '0.1.0');
        const msg = WriteRequestType.toObject(
          WriteRequestType.decode(snappyUncompress(Buffer.concat(chunks), 1 << 26)),
          {
            longs: Number,
          },
        ) as {
          timeseries: {
            labels: { name: string; value: string }[];
            samples: { value: number; timestamp: number }[];
          }[];
        };
        for (const ts of msg.timeseries) {
          const labels = Object.fromEntries(ts.labels.map((l) => [l.name, l.value]));
          for (const s of ts.samples) got.push({ labels, t: s.timestamp, v: s.value });
        }
      }
      res.writeHead(code).end(code === 204 ? undefined : 'nope');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`,
    got,
    requests: () => requests,
    server,
  };
}

async function until(what: string, cond: () => boolean, ms = 15_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sonde-rw-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('RemoteWriter', () => {
  it('delivers every committed sample, in order per series, across shards and request splits', async () => {
    const r = await receiver(() => 204);
    const w = new RemoteWriter({ endpoint: { url: r.url }, dir, shards: 3, maxSamplesPerSend: 7 });
    w.start();
    const series = Array.from({ length: 10 }, (_, i) => ({ __name__: 'm', i: String(i) }));
    for (let t = 1; t <= 5; t++) {
      for (const labels of series) w.append(labels, t * 1000, t + Number(labels.i) / 10);
      w.commit();
    }
    await until('all samples', () => r.got.length === 50);
    for (const labels of series) {
      const ts = r.got.filter((g) => g.labels.i === labels.i).map((g) => g.t);
      assert.deepEqual(ts, [1000, 2000, 3000, 4000, 5000]);
    }
    assert.equal(w.stats().samplesSent, 50);
    assert.ok(w.drained);
    await w.stop();
    r.server.close();
  });

  it('keeps data through an outage and a restart of the sender, then delivers it once', async () => {
    let down = true;
    const r = await receiver(() => (down ? 503 : 204));
    const w = new RemoteWriter({ endpoint: { url: r.url }, dir, shards: 1 });
    w.start();
    w.append({ __name__: 'up' }, 1000, 1);
    w.commit();
    await until('a failed attempt', () => r.requests() >= 1);
    await w.stop(); // sonde restarts while the remote is down
    const again = new RemoteWriter({ endpoint: { url: r.url }, dir, shards: 1 });
    again.start();
    again.append({ __name__: 'up' }, 2000, 1);
    again.commit();
    down = false;
    await until('both samples', () => r.got.length === 2);
    assert.deepEqual(
      r.got.map((g) => g.t),
      [1000, 2000],
    );
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(r.got.length, 2, 'nothing delivered twice');
    assert.ok(again.stats().retries >= 0);
    await again.stop();
    r.server.close();
  });

  it('drops and counts a batch the remote refuses with 400, and goes on', async () => {
    let refuse = true;
    const r = await receiver(() => (refuse ? 400 : 204));
    const w = new RemoteWriter({ endpoint: { url: r.url }, dir, shards: 1 });
    w.start();
    w.append({ __name__: 'bad' }, 1000, 1);
    w.commit();
    await until('the refusal', () => w.stats().samplesDropped === 1);
    assert.match(w.stats().lastError ?? '', /HTTP 400/);
    refuse = false;
    w.append({ __name__: 'good' }, 2000, 2);
    w.commit();
    await until('the next batch', () => r.got.length === 1);
    assert.equal(r.got[0].labels.__name__, 'good');
    await w.stop();
    r.server.close();
  });
});
