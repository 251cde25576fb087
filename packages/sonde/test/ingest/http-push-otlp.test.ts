import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, it } from 'node:test';
import {
  ExportMetricsServiceRequest,
  ExportMetricsServiceResponse,
  REDACTED,
} from '../../src/ingest/index.js';
import { type IngestApp, ingestApp, selectAll } from './support.js';

let t: IngestApp | undefined;
afterEach(async () => {
  await t?.app.close();
  t = undefined;
});

const push = (app: IngestApp, payload: unknown, headers: Record<string, string> = {}) =>
  app.app.inject({
    method: 'POST',
    url: '/api/sonde/v1/push',
    headers: { 'content-type': 'application/json', ...headers },
    payload: Buffer.isBuffer(payload) ? payload : JSON.stringify(payload),
  });

describe('POST /api/sonde/v1/push', () => {
  it('stores samples and histograms with the top-level labels on every series, gzip accepted', async () => {
    t = await ingestApp();
    const body = {
      labels: { job: 'api', instance: 'host-1' },
      metadata: { http_requests_total: { type: 'counter', help: 'Requests.' } },
      series: [
        {
          labels: { __name__: 'http_requests_total', code: '200', job: 'ignored' },
          samples: [
            [1000, 1],
            [2000, 'NaN'],
            [3000, '+Inf'],
          ],
        },
        {
          labels: { __name__: 'latency_seconds' },
          histograms: [
            [
              1000,
              {
                schema: 0,
                zeroThreshold: 0,
                zeroCount: 0,
                count: 2,
                sum: 3,
                positive: { offset: 1, counts: [1, 1] },
              },
            ],
          ],
        },
      ],
    };
    const res = await push(t, gzipSync(JSON.stringify(body)), { 'content-encoding': 'gzip' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().samples, 4);
    const [s] = selectAll(t.storage, 'http_requests_total');
    assert.deepEqual(
      { ...s.labels },
      { __name__: 'http_requests_total', code: '200', job: 'api', instance: 'host-1' },
    );
    assert.ok(Number.isNaN(s.v[1]));
    assert.equal(s.v[2], Infinity);
    const [h] = selectAll(t.storage, 'latency_seconds');
    assert.deepEqual(h.h?.[0].negative, { offset: 0, counts: [] });
    assert.equal(h.labels.job, 'api');
    assert.deepEqual(t.storage.metadata('http_requests_total').get('http_requests_total'), {
      type: 'counter',
      help: 'Requests.',
      unit: '',
    });
  });

  it('answers 400 naming the path of the invalid field', async () => {
    t = await ingestApp();
    const res = await push(t, { series: [{ labels: { __name__: 'x' }, samples: [[1000, 'many']] }] });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().error, /series\[0\]\.samples\[0\]\[1\]/);
    const notJson = await push(t, Buffer.from('{'));
    assert.equal(notJson.statusCode, 400);
    assert.match(notJson.json().error, /not JSON/);
  });

  it('answers 415 for another content type', async () => {
    t = await ingestApp();
    const res = await push(t, Buffer.from('x 1'), { 'content-type': 'text/plain' });
    assert.equal(res.statusCode, 415);
  });

  it('validates label names, redacts secrets, and enforces the series limit with 422', async () => {
    t = await ingestApp({ limits: { maxSeriesPerRequest: 2 } });
    const res = await push(t, {
      series: [
        { labels: { __name__: 'probe', url: 'https://u:secretpw@host/x' }, samples: [[1, 1]] },
        { labels: { __name__: 'bad', 'not-a-label': 'x' }, samples: [[1, 1]] },
      ],
    });
    assert.equal(res.statusCode, 200);
    assert.match(res.json().rejected[0].reason, /invalid label name "not-a-label"/);
    assert.equal(selectAll(t.storage, 'probe')[0].labels.url, `https://u:${REDACTED}@host/x`);
    assert.equal(t.stats.rejectedCount('push', 'invalid_labels'), 1);
    const tooMany = await push(t, {
      series: ['a', 'b', 'c'].map((n) => ({ labels: { __name__: n }, samples: [[1, 1]] })),
    });
    assert.equal(tooMany.statusCode, 422);
    assert.match(tooMany.json().error, /more than 2 series/);
  });
});

describe('POST /v1/metrics', () => {
  const otlp = {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
        scopeMetrics: [
          {
            metrics: [
              { name: 'g', gauge: { dataPoints: [{ timeUnixNano: '1000000000', asDouble: 2 }] } },
              {
                name: 'h',
                exponentialHistogram: {
                  aggregationTemporality: 1,
                  dataPoints: [{ timeUnixNano: '1000000000' }],
                },
              },
            ],
          },
        ],
      },
    ],
  };

  it('answers JSON with a partial success for what it could not store', async () => {
    t = await ingestApp();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/metrics',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(otlp),
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().partialSuccess.rejectedDataPoints, 1);
    assert.equal(selectAll(t.storage, 'g')[0].labels.job, 'svc');
  });

  it('answers protobuf to protobuf, and 415 to other types', async () => {
    t = await ingestApp();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/metrics',
      headers: { 'content-type': 'application/x-protobuf' },
      payload: Buffer.from(
        ExportMetricsServiceRequest.encode(ExportMetricsServiceRequest.fromObject(otlp)).finish(),
      ),
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/x-protobuf');
    const decoded = ExportMetricsServiceResponse.toObject(
      ExportMetricsServiceResponse.decode(res.rawPayload),
      {
        longs: Number,
      },
    );
    assert.equal(decoded.partialSuccess.rejectedDataPoints, 1);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/metrics',
      headers: { 'content-type': 'text/csv' },
      payload: 'x',
    });
    assert.equal(bad.statusCode, 415);
  });
});
