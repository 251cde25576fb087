import assert from 'node:assert/strict';
import { deflateSync, gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import type { SondeConfig } from '../../src/config/schema.js';
import { WriteRequestType, snappyCompress } from '../../src/ingest/index.js';
import { type IngestApp, ingestApp, selectAll } from './support.js';

function writeRequest(obj: object): Buffer {
  return snappyCompress(Buffer.from(WriteRequestType.encode(WriteRequestType.fromObject(obj)).finish()));
}

describe('POST /api/v1/import/*', () => {
  let t: IngestApp;
  after(() => t?.app.close());

  it('imports OpenMetrics and answers the summary with rejected lines', async () => {
    t = await ingestApp();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/import/openmetrics',
      headers: { 'content-type': 'application/openmetrics-text; version=1.0.0' },
      payload: '# TYPE a gauge\na{x="1"} 1 100\na{x="1"} 2 101.5\nb{ 3 100\n# EOF\n',
    });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.series, 1);
    assert.equal(body.samples, 2);
    assert.equal(body.minTime, 100000);
    assert.equal(body.maxTime, 101500);
    assert.equal(body.rejected.length, 1);
    assert.equal(body.rejected[0].line, 4);
    assert.deepEqual([...selectAll(t.storage, 'a')[0].v], [1, 2]);
  });

  it('imports Prometheus text sent gzipped as text/plain', async () => {
    t = await ingestApp();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/import/prometheus',
      headers: { 'content-type': 'text/plain; version=0.0.4', 'content-encoding': 'gzip' },
      payload: gzipSync('up{job="x"} 1 1000\nup{job="x"} 0 2000\n'),
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().samples, 2);
    assert.equal(t.stats.acceptedCount('import_prometheus'), 2);
  });

  it('answers 413 past the body limit and 422 past the sample limit, naming the limit', async () => {
    t = await ingestApp({ limits: { maxBodyBytes: 64, maxSamplesPerRequest: 2 } });
    const big = await t.app.inject({
      method: 'POST',
      url: '/api/v1/import/prometheus',
      headers: { 'content-type': 'text/plain' },
      payload: 'x 1 1\n'.repeat(20),
    });
    assert.equal(big.statusCode, 413);
    assert.match(big.json().error, /larger than 64 bytes \(ingest.max_body_bytes\)/);
    const many = await t.app.inject({
      method: 'POST',
      url: '/api/v1/import/prometheus',
      headers: { 'content-type': 'text/plain' },
      payload: 'x 1 1\nx 2 2\nx 3 3\n',
    });
    assert.equal(many.statusCode, 422);
    assert.match(many.json().error, /more than 2 samples/);
    assert.equal(selectAll(t.storage, 'x').length, 0);
  });

  it("takes its limits from the config's ingest section", async () => {
    const ingest = { max_samples_per_request: 1 } as SondeConfig['ingest'];
    t = await ingestApp({}, undefined, { ingest });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/import/prometheus',
      headers: { 'content-type': 'text/plain' },
      payload: 'x 1 1\nx 2 2\n',
    });
    assert.equal(res.statusCode, 422);
    assert.match(res.json().error, /more than 1 samples \(ingest.max_samples_per_request\)/);
  });

  it('bounds gzip bombs by the decompressed limit', async () => {
    t = await ingestApp({ limits: { maxDecompressedBytes: 1000 } });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/import/prometheus',
      headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' },
      payload: gzipSync(Buffer.alloc(100_000, 0x20)),
    });
    assert.equal(res.statusCode, 413);
    assert.match(res.json().error, /max_decompressed_bytes/);
  });

  it('by default bounds every decompression by the body limit, and counts each refusal', async () => {
    const ingest = { max_body_bytes: 2000 } as SondeConfig['ingest'];
    t = await ingestApp({}, undefined, { ingest });
    const bomb = gzipSync(Buffer.alloc(100_000, 0x20)); // a few hundred bytes that expand 50 times the limit
    assert.ok(bomb.length < 2000);
    const routes: [string, string][] = [
      ['/api/v1/import/prometheus', 'text/plain'],
      ['/api/sonde/v1/push', 'application/json'],
      ['/v1/metrics', 'application/json'],
    ];
    for (const [url, type] of routes) {
      for (const encoding of ['gzip', 'deflate']) {
        const payload = encoding === 'gzip' ? bomb : deflateSync(Buffer.alloc(100_000, 0x20));
        const res = await t.app.inject({
          method: 'POST',
          url,
          headers: { 'content-type': type, 'content-encoding': encoding },
          payload,
        });
        assert.equal(res.statusCode, 413, `${url} ${encoding}: ${res.body}`);
        assert.match(
          res.json().error,
          /decompressed body is larger than 2000 bytes \(ingest.max_decompressed_bytes\)/,
        );
      }
    }
    const snappy = await t.app.inject({
      method: 'POST',
      url: '/api/v1/write',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
      payload: snappyCompress(Buffer.alloc(30_000)),
    });
    assert.equal(snappy.statusCode, 413, snappy.body);
    assert.match(snappy.json().error, /more than 2000 \(ingest.max_decompressed_bytes\)/);
    assert.deepEqual(t.limited, Array(7).fill('decompressed_body'));
    assert.equal(selectAll(t.storage, 'x').length, 0);
  });

  it('a separate decompressed limit may be set above the body limit', async () => {
    const ingest = { max_body_bytes: 2000, max_decompressed_bytes: 200_000 } as SondeConfig['ingest'];
    t = await ingestApp({}, undefined, { ingest });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/import/prometheus',
      headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' },
      payload: gzipSync(`${'# padding\n'.repeat(5000)}x 1 1000\n`),
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().samples, 1);
    assert.deepEqual(t.limited, []);
  });

  it('leaves other routes with Fastify JSON parsing', async () => {
    t = await ingestApp();
    const res = await t.app.inject({ method: 'POST', url: '/other', payload: { a: 1 } });
    assert.deepEqual(res.json(), { parsed: { a: 1 } });
  });
});

describe('POST /api/v1/write', () => {
  let t: IngestApp;
  after(() => t?.app.close());

  it('stores a remote_write request and answers 204', async () => {
    t = await ingestApp();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/write',
      headers: {
        'content-type': 'application/x-protobuf',
        'content-encoding': 'snappy',
        'x-prometheus-remote-write-version': '0.1.0',
      },
      payload: writeRequest({
        timeseries: [
          {
            labels: [
              { name: '__name__', value: 'node_load1' },
              { name: 'instance', value: 'a' },
            ],
            samples: [
              { value: 0.5, timestamp: 1000 },
              { value: 0.75, timestamp: 2000 },
            ],
          },
        ],
      }),
    });
    assert.equal(res.statusCode, 204);
    const [s] = selectAll(t.storage, 'node_load1');
    assert.deepEqual([...s.v], [0.5, 0.75]);
    assert.equal(t.stats.acceptedCount('remote_write'), 2);
  });

  it('answers 415 to remote_write 2.0 so the sender falls back to 1.0', async () => {
    t = await ingestApp();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/write',
      headers: { 'content-type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request' },
      payload: Buffer.alloc(4),
    });
    assert.equal(res.statusCode, 415);
  });

  it('answers 400 with a reason for a body that is not snappy protobuf', async () => {
    t = await ingestApp();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/write',
      headers: { 'content-type': 'application/x-protobuf' },
      payload: Buffer.from('hello, this is not snappy'),
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().error, /snappy/);
  });
});
