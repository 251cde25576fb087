import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isStaleNaN } from '../../storage/labels.js';
import { MemoryStorage } from '../../storage/memory.js';
import { IngestInputError } from '../limits.js';
import type { Storage } from '../../storage/types.js';
import { labelName, metricName } from './names.js';
import { OtlpReceiver } from './receive.js';
import { ExportMetricsServiceRequest } from './schema.js';
import { plainFloat } from './translate.js';

const NS = 1_700_000_000_000_000_000n;
const ts = (plusMs: number) => String(NS + BigInt(plusMs) * 1_000_000n);
const attr = (key: string, v: string | number | boolean) => ({
  key,
  value:
    typeof v === 'string'
      ? { stringValue: v }
      : typeof v === 'boolean'
        ? { boolValue: v }
        : { intValue: String(v) },
});

function request(deltaValue: number, at: number) {
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: [
            attr('service.name', 'checkout'),
            attr('service.namespace', 'shop'),
            attr('service.instance.id', 'pod-1'),
            attr('host.name', 'h1'),
            attr('process.pid', 42),
          ],
        },
        scopeMetrics: [
          {
            scope: { name: 'test' },
            metrics: [
              {
                name: 'queue.depth',
                description: 'Items waiting.',
                unit: '{items}',
                gauge: {
                  dataPoints: [{ attributes: [attr('queue', 'a')], timeUnixNano: ts(at), asInt: '7' }],
                },
              },
              {
                name: 'http.server.requests',
                unit: '1',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    { attributes: [attr('http.method', 'GET')], timeUnixNano: ts(at), asDouble: 10 },
                  ],
                },
              },
              {
                name: 'jobs.done',
                sum: {
                  aggregationTemporality: 'AGGREGATION_TEMPORALITY_DELTA',
                  isMonotonic: true,
                  dataPoints: [{ timeUnixNano: ts(at), asInt: String(deltaValue) }],
                },
              },
              {
                name: 'http.server.duration',
                unit: 'ms',
                histogram: {
                  aggregationTemporality: 2,
                  dataPoints: [
                    {
                      timeUnixNano: ts(at),
                      count: '6',
                      sum: 123.5,
                      bucketCounts: ['1', '2', '3'],
                      explicitBounds: [0.0000001, 100],
                    },
                  ],
                },
              },
              {
                name: 'latency',
                unit: 's',
                exponentialHistogram: {
                  aggregationTemporality: 2,
                  dataPoints: [
                    {
                      timeUnixNano: ts(at),
                      count: '5',
                      sum: 9,
                      scale: 1,
                      zeroCount: '1',
                      positive: { offset: 2, bucketCounts: ['1', '0', '3'] },
                    },
                  ],
                },
              },
              {
                name: 'rpc.duration',
                unit: 's',
                summary: {
                  dataPoints: [
                    {
                      timeUnixNano: ts(at),
                      count: '3',
                      sum: 1.5,
                      quantileValues: [{ quantile: 0.5, value: 0.4 }],
                    },
                  ],
                },
              },
              {
                name: 'batch.size',
                histogram: {
                  aggregationTemporality: 1,
                  dataPoints: [
                    {
                      timeUnixNano: ts(at),
                      count: String(deltaValue),
                      sum: deltaValue,
                      bucketCounts: [String(deltaValue), '0'],
                      explicitBounds: [10],
                    },
                  ],
                },
              },
              {
                name: 'spread',
                exponentialHistogram: {
                  aggregationTemporality: 1,
                  dataPoints: [{ timeUnixNano: ts(at), count: '1' }],
                },
              },
              {
                name: 'gone',
                gauge: { dataPoints: [{ timeUnixNano: ts(at), asDouble: 1, flags: 1 }] },
              },
            ],
          },
        ],
      },
    ],
  };
}

function series(storage: Storage, name: string) {
  const q = storage.querier();
  const out = [...q.select([{ type: '=', name: '__name__', value: name }], -Infinity, Infinity)];
  q.close();
  return out;
}

const T0 = Number(NS / 1_000_000n);

describe('OTLP naming', () => {
  it('builds Prometheus metric names with unit and type suffixes', () => {
    assert.equal(metricName('http.server.duration', 's', 'histogram'), 'http_server_duration_seconds');
    assert.equal(metricName('http.server.requests', '1', 'counter'), 'http_server_requests_total');
    assert.equal(metricName('system.cpu.utilization', '1', 'gauge'), 'system_cpu_utilization_ratio');
    assert.equal(metricName('network.io', 'By/s', 'gauge'), 'network_io_bytes_per_second');
    assert.equal(metricName('requests_total', '', 'counter'), 'requests_total');
    assert.equal(metricName('latency_seconds', 's', 'histogram'), 'latency_seconds');
    assert.equal(metricName('queue.depth', '{items}', 'gauge'), 'queue_depth');
    assert.equal(metricName('2xx.count', '', 'gauge'), '_2xx_count');
  });

  it('sanitizes attribute keys into label names', () => {
    assert.equal(labelName('http.method'), 'http_method');
    assert.equal(labelName('0day'), 'key_0day');
    assert.equal(labelName('_private'), 'key_private');
    assert.equal(labelName('__reserved'), '__reserved');
  });

  it('writes floats as Go FormatFloat "f" does', () => {
    assert.equal(plainFloat(0.0000001), '0.0000001');
    assert.equal(plainFloat(1e21), '1000000000000000000000');
    assert.equal(plainFloat(-2.5e-7), '-0.00000025');
    assert.equal(plainFloat(100), '100');
  });
});

for (const encoding of ['json', 'protobuf'] as const) {
  describe(`OTLP translation (${encoding})`, () => {
    const body = (obj: object) =>
      encoding === 'json'
        ? Buffer.from(JSON.stringify(obj))
        : Buffer.from(
            ExportMetricsServiceRequest.encode(ExportMetricsServiceRequest.fromObject(obj)).finish(),
          );

    it('maps every metric type, resource attributes and delta sums as Prometheus does', async () => {
      const storage = new MemoryStorage();
      const receiver = new OtlpReceiver(storage);
      const first = await receiver.receive(body(request(3, 0)), encoding);
      await receiver.receive(body(request(4, 1000)), encoding);

      const base = { job: 'shop/checkout', instance: 'pod-1' };
      const [gauge] = series(storage, 'queue_depth');
      assert.deepEqual({ ...gauge.labels }, { __name__: 'queue_depth', queue: 'a', ...base });
      assert.deepEqual([...gauge.t], [T0, T0 + 1000]);
      assert.equal(gauge.v[0], 7);

      const [counter] = series(storage, 'http_server_requests_total');
      assert.equal(counter.labels.http_method, 'GET');
      assert.equal(
        storage.metadata('http_server_requests_total').get('http_server_requests_total')?.type,
        'counter',
      );

      const [delta] = series(storage, 'jobs_done_total');
      assert.deepEqual([...delta.v], [3, 7]);

      const buckets = series(storage, 'http_server_duration_milliseconds_bucket');
      assert.deepEqual(buckets.map((s) => [s.labels.le, s.v[0]]).sort(), [
        ['+Inf', 6],
        ['0.0000001', 1],
        ['100', 3],
      ]);
      assert.equal(series(storage, 'http_server_duration_milliseconds_sum')[0].v[0], 123.5);
      assert.equal(series(storage, 'http_server_duration_milliseconds_count')[0].v[0], 6);

      const [exp] = series(storage, 'latency_seconds');
      assert.deepEqual(exp.h?.[0], {
        schema: 1,
        zeroThreshold: 1e-128,
        zeroCount: 1,
        count: 5,
        sum: 9,
        positive: { offset: 3, counts: [1, 0, 3] },
        negative: { offset: 1, counts: [] },
      });

      assert.equal(series(storage, 'rpc_duration_seconds')[0].labels.quantile, '0.5');
      assert.equal(series(storage, 'rpc_duration_seconds_count')[0].v[0], 3);

      const [info] = series(storage, 'target_info');
      assert.deepEqual(
        { ...info.labels },
        { __name__: 'target_info', host_name: 'h1', process_pid: '42', ...base },
      );
      assert.deepEqual([...info.t], [T0, T0 + 1000]);

      assert.ok(isStaleNaN(series(storage, 'gone')[0].v[0]));

      const batchBuckets = new Map(series(storage, 'batch_size_bucket').map((s) => [s.labels.le, [...s.v]]));
      assert.deepEqual(batchBuckets.get('10'), [3, 7]);
      assert.deepEqual(batchBuckets.get('+Inf'), [3, 7]);
      assert.deepEqual([...series(storage, 'batch_size_sum')[0].v], [3, 7]);
      assert.deepEqual([...series(storage, 'batch_size_count')[0].v], [3, 7]);

      assert.equal(series(storage, 'spread').length, 0);
      assert.equal(first.rejectedDataPoints, 1);
      assert.match(first.errorMessage, /spread: delta exponential histograms are not supported/);
    });
  });
}

describe('OTLP bad input', () => {
  it('refuses bodies that are not OTLP', async () => {
    const receiver = new OtlpReceiver(new MemoryStorage());
    await assert.rejects(receiver.receive(Buffer.from('{nope'), 'json'), /OTLP JSON/);
    await assert.rejects(receiver.receive(Buffer.from('[1]'), 'json'), /ExportMetricsServiceRequest/);
    await assert.rejects(receiver.receive(Buffer.from([0x0a, 0xff, 0x01]), 'protobuf'), /OTLP protobuf/);
    await assert.rejects(
      receiver.receive(
        Buffer.from(
          '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"x","gauge":{"dataPoints":[{"attributes":7}]}}]}]}]}',
        ),
        'json',
      ),
      /unexpected message shape/,
    );
    const storage = new MemoryStorage();
    const badTime = await new OtlpReceiver(storage).receive(
      Buffer.from(
        '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"x","gauge":{"dataPoints":[{"timeUnixNano":"soon","asDouble":1}]}}]}]}]}',
      ),
      'json',
    );
    assert.equal(badTime.rejectedDataPoints, 1);
    assert.match(badTime.errorMessage, /no timestamp/);
  });
});

// JSON trees built from OTLP's own keys, so the translator's paths are reached with wrong shapes.
const KEYS = [
  'resource',
  'attributes',
  'scopeMetrics',
  'metrics',
  'name',
  'unit',
  'gauge',
  'sum',
  'histogram',
  'exponentialHistogram',
  'summary',
  'dataPoints',
  'aggregationTemporality',
  'isMonotonic',
  'key',
  'value',
  'stringValue',
  'intValue',
  'doubleValue',
  'boolValue',
  'arrayValue',
  'kvlistValue',
  'values',
  'asInt',
  'asDouble',
  'timeUnixNano',
  'flags',
  'count',
  'bucketCounts',
  'explicitBounds',
  'scale',
  'zeroCount',
  'positive',
  'negative',
  'offset',
  'quantileValues',
  'quantile',
];
const { tree: otlpish } = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(
      fc.integer(),
      fc.double(),
      fc.string({ maxLength: 6 }),
      fc.boolean(),
      fc.constant(null),
      fc.constant('123'),
    ),
    fc.array(tie('tree'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('tree'), { maxKeys: 4 }),
  ),
}));

describe('OTLP robustness (properties)', () => {
  it('arbitrary bytes as protobuf, or arbitrary JSON, either store or fail with IngestInputError', async () => {
    const receiver = new OtlpReceiver(new MemoryStorage());
    const expectInputError = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (err) {
        assert.ok(err instanceof IngestInputError, String(err));
      }
    };
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        await expectInputError(receiver.receive(Buffer.from(bytes), 'protobuf'));
      }),
      { numRuns: 300 },
    );
    await fc.assert(
      fc.asyncProperty(otlpish, async (json) => {
        await expectInputError(
          receiver.receive(Buffer.from(JSON.stringify({ resourceMetrics: [json] })), 'json'),
        );
      }),
      { numRuns: 300 },
    );
  });
});
