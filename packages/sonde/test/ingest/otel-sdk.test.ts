// The real OpenTelemetry JS SDK exports into sonde's /v1/metrics on
// loopback, over OTLP/HTTP JSON and protobuf; the values must be right,
// histograms (explicit-bucket and exponential) included.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationType, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { HistogramSample } from '../../src/storage/types.js';
import { type IngestApp, ingestApp, selectAll } from './support.js';

/** The bucket a value falls in, Prometheus native-histogram indexing: (base^(i-1), base^i]. */
function bucketIndex(v: number, schema: number): number {
  const base = 2 ** (2 ** -schema);
  let i = Math.ceil(Math.log(v) / Math.log(base));
  // Guard against float error at exact boundaries.
  if (base ** (i - 1) >= v) i--;
  if (base ** i < v) i++;
  return i;
}

function countAt(h: HistogramSample, index: number): number {
  return h.positive.counts[index - h.positive.offset] ?? 0;
}

for (const [encoding, Exporter] of [
  ['json', JsonExporter],
  ['protobuf', ProtoExporter],
] as const) {
  describe(`OpenTelemetry JS SDK → sonde (OTLP/HTTP ${encoding})`, () => {
    let sonde: IngestApp;
    let provider: MeterProvider;
    const started = Date.now();

    before(async () => {
      sonde = await ingestApp();
      await sonde.app.listen({ host: '127.0.0.1', port: 0 });
      const port = (sonde.app.server.address() as { port: number }).port;
      provider = new MeterProvider({
        resource: resourceFromAttributes({
          'service.name': 'shop',
          'service.instance.id': 'i-1',
          'deployment.environment': 'test',
        }),
        views: [
          { instrumentName: 'payload.size', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } },
        ],
        readers: [
          new PeriodicExportingMetricReader({
            exporter: new Exporter({ url: `http://127.0.0.1:${port}/v1/metrics` }),
            exportIntervalMillis: 60_000,
          }),
        ],
      });
    });

    after(async () => {
      await provider?.shutdown();
      await sonde?.app.close();
    });

    it('stores counters, up-down counters, gauges and both kinds of histogram with the right values', async () => {
      const meter = provider.getMeter('checkout');
      meter.createCounter('orders.placed').add(3, { region: 'eu' });
      const queue = meter.createUpDownCounter('queue.length');
      queue.add(5);
      queue.add(-2);
      meter
        .createObservableGauge('temperature', { unit: 'Cel' })
        .addCallback((r) => r.observe(21.5, { room: 'a' }));
      const duration = meter.createHistogram('request.duration', { unit: 's' });
      for (const v of [0.1, 0.3, 2.5, 7]) duration.record(v, { route: '/pay' });
      const size = meter.createHistogram('payload.size', { unit: 'By' });
      for (const v of [100, 1000, 1000, 5000]) size.record(v);
      await provider.forceFlush();

      const job = { job: 'shop', instance: 'i-1' };
      const [orders] = selectAll(sonde.storage, 'orders_placed_total');
      assert.deepEqual({ ...orders.labels }, { __name__: 'orders_placed_total', region: 'eu', ...job });
      assert.equal(orders.v[0], 3);
      assert.ok(
        orders.t[0] >= started - 1000 && orders.t[0] <= Date.now() + 1000,
        `timestamp ${orders.t[0]}`,
      );

      assert.equal(selectAll(sonde.storage, 'queue_length')[0].v[0], 3);
      const [temp] = selectAll(sonde.storage, 'temperature_celsius');
      assert.equal(temp.labels.room, 'a');
      assert.equal(temp.v[0], 21.5);

      const buckets = new Map(
        selectAll(sonde.storage, 'request_duration_seconds_bucket').map((s) => [s.labels.le, s.v[0]]),
      );
      assert.equal(buckets.get('0'), 0);
      assert.equal(buckets.get('5'), 3);
      assert.equal(buckets.get('10'), 4);
      assert.equal(buckets.get('+Inf'), 4);
      assert.equal(selectAll(sonde.storage, 'request_duration_seconds_count')[0].v[0], 4);
      assert.ok(Math.abs(selectAll(sonde.storage, 'request_duration_seconds_sum')[0].v[0] - 9.9) < 1e-9);
      assert.equal(selectAll(sonde.storage, 'request_duration_seconds_bucket')[0].labels.route, '/pay');

      const [payload] = selectAll(sonde.storage, 'payload_size_bytes');
      const h = payload.h![0];
      assert.equal(h.count, 4);
      assert.equal(h.sum, 7100);
      assert.ok(h.schema <= 8 && h.schema >= -4);
      assert.equal(countAt(h, bucketIndex(100, h.schema)), 1);
      assert.equal(countAt(h, bucketIndex(1000, h.schema)), 2);
      assert.equal(countAt(h, bucketIndex(5000, h.schema)), 1);
      assert.equal(
        h.positive.counts.reduce((a, b) => a + b, 0),
        4,
      );
      assert.equal(sonde.storage.metadata('payload_size_bytes').get('payload_size_bytes')?.type, 'histogram');

      const [info] = selectAll(sonde.storage, 'target_info');
      assert.equal(info.labels.deployment_environment, 'test');
      assert.equal(info.labels.job, 'shop');
      assert.equal(sonde.stats.rejectedCount('otlp', 'unsupported'), 0);
    });
  });
}

describe('OpenTelemetry JS SDK with delta temporality → sonde', () => {
  let sonde: IngestApp;
  let provider: MeterProvider;

  before(async () => {
    sonde = await ingestApp();
    await sonde.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (sonde.app.server.address() as { port: number }).port;
    provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'batch' }),
      readers: [
        new PeriodicExportingMetricReader({
          exporter: new JsonExporter({
            url: `http://127.0.0.1:${port}/v1/metrics`,
            temporalityPreference: AggregationTemporalityPreference.DELTA,
          }),
          exportIntervalMillis: 60_000,
        }),
      ],
    });
  });

  after(async () => {
    await provider?.shutdown();
    await sonde?.app.close();
  });

  it('adds up delta counters and delta histograms into cumulative series', async () => {
    const meter = provider.getMeter('jobs');
    const done = meter.createCounter('jobs.done');
    const took = meter.createHistogram('job.duration', { unit: 's' });
    done.add(2);
    took.record(3);
    await provider.forceFlush();
    await sleep(5); // the second export's timestamp must differ from the first
    done.add(5);
    took.record(30);
    took.record(4);
    await provider.forceFlush();

    const [counter] = selectAll(sonde.storage, 'jobs_done_total');
    assert.deepEqual([...counter.v], [2, 7]);
    const buckets = new Map(
      selectAll(sonde.storage, 'job_duration_seconds_bucket').map((s) => [s.labels.le, [...s.v]]),
    );
    assert.deepEqual(buckets.get('5'), [1, 2]);
    assert.deepEqual(buckets.get('50'), [1, 3]);
    assert.deepEqual(buckets.get('+Inf'), [1, 3]);
    assert.deepEqual([...selectAll(sonde.storage, 'job_duration_seconds_sum')[0].v], [3, 37]);
    assert.deepEqual([...selectAll(sonde.storage, 'job_duration_seconds_count')[0].v], [1, 3]);
  });
});
