// Invalid UTF-8 in metric names, label names or values is refused on every
// ingest path (as Prometheus does) instead of being stored as U+FFFD.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ExportMetricsServiceRequest, WriteRequestType, snappyCompress } from '../../src/ingest/index.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import { byName, loopFor, read, startTarget } from '../scrape-support.js';
import { type IngestApp, ingestApp, selectAll } from './support.js';

let t: IngestApp | undefined;
afterEach(async () => {
  await t?.app.close();
  t = undefined;
});

const INVALID = Buffer.from([0xc3, 0x28]); // a two-byte lead followed by "("

/** `buf` with the first occurrence of the ASCII marker replaced by invalid bytes of the same length. */
function corrupt(buf: Uint8Array, marker: string): Buffer {
  const b = Buffer.from(buf);
  const at = b.indexOf(marker);
  assert.ok(at >= 0, `marker ${marker} not found`);
  INVALID.copy(b, at);
  return b;
}

const post = (app: IngestApp, url: string, type: string, payload: Buffer, encoding?: string) =>
  app.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': type, ...(encoding ? { 'content-encoding': encoding } : {}) },
    payload,
  });

describe('invalid UTF-8 at ingest', () => {
  it('import: 400 naming the line and byte; nothing stored', async () => {
    t = await ingestApp();
    const body = corrupt(Buffer.from('ok{a="b"} 1 1000\nbad{a="QQ"} 2 1000\n'), 'QQ');
    const res = await post(t, '/api/v1/import/prometheus', 'text/plain', body);
    assert.equal(res.statusCode, 400, res.body);
    assert.match(res.json().error, /body is not valid UTF-8 at line 2 \(byte 24\)/);
    assert.equal(selectAll(t.storage, 'ok').length, 0);
    // A genuine U+FFFD is valid UTF-8 and stays.
    const genuine = await post(
      t,
      '/api/v1/import/prometheus',
      'text/plain',
      Buffer.from('ok{a="\uFFFD"} 1 1000\n'),
    );
    assert.equal(genuine.statusCode, 200, genuine.body);
    assert.equal(selectAll(t.storage, 'ok')[0].labels.a, '\uFFFD');
  });

  it('push: 400 for invalid bytes; a lone surrogate escape is a counted rejection', async () => {
    t = await ingestApp();
    const json = (value: string) =>
      JSON.stringify({ series: [{ labels: { __name__: 'p', route: value }, samples: [[1000, 1]] }] });
    const bytes = await post(
      t,
      '/api/sonde/v1/push',
      'application/json',
      corrupt(Buffer.from(json('QQ')), 'QQ'),
    );
    assert.equal(bytes.statusCode, 400, bytes.body);
    assert.match(bytes.json().error, /not valid UTF-8 at line 1/);
    const escaped = await post(
      t,
      '/api/sonde/v1/push',
      'application/json',
      Buffer.from(json('x').replace('"x"', '"\\ud800"')),
    );
    assert.equal(escaped.statusCode, 200, escaped.body);
    assert.match(JSON.stringify(escaped.json()), /not valid UTF-8 \(a lone surrogate\)/);
    assert.equal(t.stats.render().match(/reason="invalid_labels"} (\d+)/)?.[1], '1');
    assert.equal(selectAll(t.storage, 'p').length, 0);
  });

  it('OTLP: protobuf and JSON with invalid bytes in an attribute answer 400', async () => {
    t = await ingestApp();
    const otlp = {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'QQ' } }] },
          scopeMetrics: [
            {
              metrics: [{ name: 'g', gauge: { dataPoints: [{ timeUnixNano: '1000000000', asDouble: 2 }] } }],
            },
          ],
        },
      ],
    };
    const proto = ExportMetricsServiceRequest.encode(ExportMetricsServiceRequest.fromObject(otlp)).finish();
    const p = await post(t, '/v1/metrics', 'application/x-protobuf', corrupt(proto, 'QQ'));
    assert.equal(p.statusCode, 400, p.body);
    // protobufjs checks proto3 strings itself.
    assert.match(p.json().error, /OTLP protobuf: .*not valid for encoding utf-8/);
    const j = await post(
      t,
      '/v1/metrics',
      'application/json',
      corrupt(Buffer.from(JSON.stringify(otlp)), 'QQ'),
    );
    assert.equal(j.statusCode, 400, j.body);
    assert.match(j.json().error, /not valid UTF-8/);
    assert.equal(selectAll(t.storage, 'g').length, 0);
  });

  it('remote_write: 400 for a label value with invalid bytes; nothing stored', async () => {
    t = await ingestApp();
    const req = WriteRequestType.encode(
      WriteRequestType.fromObject({
        timeseries: [
          {
            labels: [
              { name: '__name__', value: 'rw' },
              { name: 'a', value: 'QQ' },
            ],
            samples: [{ value: 1, timestamp: 1000 }],
          },
        ],
      }),
    ).finish();
    const res = await post(
      t,
      '/api/v1/write',
      'application/x-protobuf',
      snappyCompress(corrupt(req, 'QQ')),
      'snappy',
    );
    assert.equal(res.statusCode, 400, res.body);
    assert.match(res.json().error, /remote_write: label: invalid UTF-8/);
    assert.equal(selectAll(t.storage, 'rw').length, 0);
  });

  it('scrape: an answer with invalid UTF-8 fails the scrape (up=0) with the line', async () => {
    const target = await startTarget((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(corrupt(Buffer.from('a 1\nb{x="QQ"} 2\n'), 'QQ'));
    });
    try {
      const storage = new MemoryStorage();
      const { loop, client } = loopFor(
        storage,
        { static_configs: [{ targets: [target.address] }] },
        () => 1000,
      );
      await loop.scrapeOnce();
      client.close();
      assert.match(loop.lastError, /the answer is not valid UTF-8 at line 2 \(byte 9\)/);
      assert.deepEqual(read(storage, byName('a')), []);
      assert.deepEqual(read(storage, byName('up'))[0].points, [{ t: 1000, v: 0 }]);
    } finally {
      await target.close();
    }
  });
});
