import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { Counter, Gauge, Histogram, type PushBody, push, Registry, Summary } from './index.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: PushBody;
}

/** A tiny receiver: records bodies; answers with `status` (changeable). */
function receiver() {
  const got: Received[] = [];
  const state = { status: 200 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let raw = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
      if (req.url === '/api/sonde/v1/push' && req.method === 'POST') {
        if (state.status === 200) got.push({ headers: req.headers, body: JSON.parse(raw.toString('utf8')) });
        res.statusCode = state.status;
      } else res.statusCode = 404;
      res.end();
    });
  });
  return { got, state, server };
}

describe('push to a sonde server', () => {
  const rx = receiver();
  let url: string;
  before(async () => {
    await new Promise<void>((r) => rx.server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(rx.server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => rx.server.close(() => r())));

  it('POSTs the agreed JSON: job/instance labels, metadata, float series, native histograms', async () => {
    rx.got.length = 0;
    const reg = new Registry();
    reg.setDefaultLabels({ region: 'eu' });
    new Counter({ name: 'jobs_total', help: 'Jobs.', labelNames: ['kind'], registers: [reg] }).inc(
      { kind: 'a' },
      3,
    );
    new Gauge({ name: 'queue', help: 'Queue.', registers: [reg] }).set(7);
    new Gauge({ name: 'ratio', help: 'Undefined ratio.', registers: [reg] }).set(Number.NaN);
    const h = new Histogram({ name: 'lat_seconds', help: 'Latency.', unit: 'seconds', registers: [reg] });
    for (const v of [0.1, 0.2, 0.4]) h.observe(v);
    new Summary({ name: 'size_bytes', help: 'Size.', percentiles: [0.5], registers: [reg] }).observe(10);
    const p = push({ url, interval: 60_000, job: 'api', instance: 'host:1', registry: reg });
    assert.equal(await p.flush(), true);
    await p.stop();
    const first = rx.got[0];
    assert.equal(first.headers['content-type'], 'application/json');
    const b = first.body;
    assert.deepEqual(b.labels, { job: 'api', instance: 'host:1' });
    assert.deepEqual(b.metadata.lat_seconds, { type: 'histogram', help: 'Latency.', unit: 'seconds' });
    assert.deepEqual(b.metadata.jobs_total, { type: 'counter', help: 'Jobs.', unit: '' });
    const find = (name: string, extra: Record<string, string> = {}) =>
      b.series.find(
        (s) => s.labels.__name__ === name && Object.entries(extra).every(([k, v]) => s.labels[k] === v),
      );
    const jobs = find('jobs_total')!;
    assert.deepEqual(jobs.labels, { __name__: 'jobs_total', region: 'eu', kind: 'a' });
    assert.equal(jobs.samples[0][1], 3);
    assert.ok(Math.abs(jobs.samples[0][0] - Date.now()) < 60_000);
    assert.deepEqual(jobs.histograms, []);
    assert.equal(find('queue')!.samples[0][1], 7);
    assert.equal(find('ratio')!.samples[0][1], 'NaN');
    const lat = find('lat_seconds')!;
    assert.deepEqual(lat.samples, []);
    const hs = lat.histograms[0][1];
    assert.deepEqual(hs, h.labels().toHistogramSample());
    assert.equal(hs.count, 3);
    assert.equal(typeof hs.schema, 'number');
    assert.ok(Array.isArray(hs.positive.counts) && typeof hs.positive.offset === 'number');
    assert.equal(find('size_bytes', { quantile: '0.5' })!.samples[0][1], 10);
    assert.equal(find('size_bytes_count')!.samples[0][1], 1);
    assert.ok(!b.series.some((s) => s.labels.__name__ === 'lat_seconds_count'));
  });

  it('gzips large bodies', async () => {
    rx.got.length = 0;
    const reg = new Registry();
    const c = new Counter({ name: 'many_total', help: 'Many.', labelNames: ['id'], registers: [reg] });
    for (let i = 0; i < 500; i++) c.inc({ id: `series-${i}` });
    const p = push({ url, job: 'j', instance: 'i', registry: reg, gzipThreshold: 1024 });
    assert.equal(await p.flush(), true);
    await p.stop();
    assert.equal(rx.got[0].headers['content-encoding'], 'gzip');
    assert.ok(rx.got[0].body.series.filter((s) => s.labels.__name__ === 'many_total').length === 500);
  });

  it('retries after failures, keeping what it buffered, and never throws', async () => {
    rx.got.length = 0;
    rx.state.status = 503;
    const reg = new Registry();
    const g = new Gauge({ name: 'temp', help: 'T.', registers: [reg] });
    const p = push({ url, job: 'j', instance: 'i', registry: reg, minBackoff: 1, maxBackoff: 5 });
    g.set(1);
    assert.equal(await p.flush(), false);
    g.set(2);
    assert.equal(await p.flush(), false);
    assert.ok(p.buffered >= 2);
    rx.state.status = 200;
    g.set(3);
    assert.equal(await p.flush(), true);
    await p.stop();
    const temps = rx.got[0].body.series.find((s) => s.labels.__name__ === 'temp')!.samples.map((s) => s[1]);
    assert.deepEqual(temps, [1, 2, 3]);
    assert.equal(p.buffered, 0);
  });

  it('bounds its buffer and counts what it drops (unreachable server, rejected batches)', async () => {
    const reg = new Registry();
    const c = new Counter({ name: 'x_total', help: 'X.', labelNames: ['id'], registers: [reg] });
    for (let i = 0; i < 20; i++) c.inc({ id: String(i) });
    // nothing listens on this port
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
    await new Promise<void>((r) => dead.close(() => r()));
    const p = push({
      url: deadUrl,
      job: 'j',
      instance: 'i',
      registry: reg,
      maxBufferedSamples: 50,
      minBackoff: 1,
    });
    for (let i = 0; i < 6; i++) assert.equal(await p.flush(), false);
    assert.ok(p.buffered <= 50 + 25, `${p.buffered}`);
    const text = await reg.metrics();
    const m = /sonde_sdk_push_dropped_samples_total\{reason="buffer_full"\} (\d+)/.exec(text);
    assert.ok(m && Number(m[1]) > 0, text);
    await p.stop();

    rx.state.status = 400;
    const p2 = push({ url, job: 'j', instance: 'i', registry: reg });
    assert.equal(await p2.flush(), false);
    await p2.stop();
    rx.state.status = 200;
    assert.match(await reg.metrics(), /sonde_sdk_push_dropped_samples_total\{reason="rejected"\} [1-9]/);
  });

  it('throws a TypeError for bad options at call time', () => {
    assert.throws(() => push({ url: 'not a url' }), TypeError);
    assert.throws(() => push({ url: 'http://x', interval: -1 }), TypeError);
    assert.throws(() => push(undefined as never), TypeError);
  });
});
