import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Counter, ExponentialSketch, Gauge, Histogram, otlpExport, Registry, Summary } from './index.js';

// biome-ignore lint/suspicious/noExplicitAny: the OTLP JSON is inspected structurally
type Json = any;

describe('OTLP/HTTP JSON export', () => {
  const got: { headers: IncomingHttpHeaders; url: string; body: Json }[] = [];
  let status = 200;
  let server: Server;
  let url: string;
  before(async () => {
    server = createServer((req, res) => {
      let data = '';
      req.on('data', (c) => {
        data += c;
      });
      req.on('end', () => {
        if (status === 200) got.push({ headers: req.headers, url: req.url ?? '', body: JSON.parse(data) });
        res.statusCode = status;
        res.setHeader('content-type', 'application/json');
        res.end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('sends an ExportMetricsServiceRequest with sums, gauges, exponential histograms and summaries', async () => {
    const reg = new Registry();
    new Counter({ name: 'jobs_total', help: 'Jobs.', labelNames: ['kind'], registers: [reg] }).inc(
      { kind: 'a' },
      2,
    );
    new Gauge({ name: 'queue', help: 'Queue.', registers: [reg] }).set(5);
    const h = new Histogram({ name: 'lat_seconds', help: 'Latency.', unit: 'seconds', registers: [reg] });
    for (const v of [0.001, 0.01, 0.1, 1, 10]) h.observe(v);
    new Summary({ name: 'size_bytes', help: 'Size.', percentiles: [0.5, 0.9], registers: [reg] }).observe(42);
    const exp = otlpExport({
      url,
      serviceName: 'checkout',
      registry: reg,
      resource: { 'deployment.environment': 'test' },
    });
    assert.equal(await exp.flush(), true);
    await exp.stop();

    const { body, headers, url: path } = got[0];
    assert.equal(path, '/v1/metrics');
    assert.equal(headers['content-type'], 'application/json');
    const rm = body.resourceMetrics[0];
    const attr = (list: Json[], key: string) => list.find((a: Json) => a.key === key)?.value.stringValue;
    assert.equal(attr(rm.resource.attributes, 'service.name'), 'checkout');
    assert.equal(attr(rm.resource.attributes, 'deployment.environment'), 'test');
    const sm = rm.scopeMetrics[0];
    assert.equal(sm.scope.name, '@sonde/sdk');
    const metric = (name: string) => sm.metrics.find((m: Json) => m.name === name);

    const jobs = metric('jobs_total');
    assert.equal(jobs.description, 'Jobs.');
    assert.equal(jobs.sum.aggregationTemporality, 2);
    assert.equal(jobs.sum.isMonotonic, true);
    const dp = jobs.sum.dataPoints[0];
    assert.equal(dp.asDouble, 2);
    assert.deepEqual(dp.attributes, [{ key: 'kind', value: { stringValue: 'a' } }]);
    assert.match(dp.timeUnixNano, /^\d{19}$/);
    assert.match(dp.startTimeUnixNano, /^\d{19}$/);
    assert.ok(BigInt(dp.startTimeUnixNano) <= BigInt(dp.timeUnixNano));

    assert.equal(metric('queue').gauge.dataPoints[0].asDouble, 5);

    const lat = metric('lat_seconds');
    assert.equal(lat.unit, 'seconds');
    assert.equal(lat.exponentialHistogram.aggregationTemporality, 2);
    const hp = lat.exponentialHistogram.dataPoints[0];
    assert.equal(hp.count, '5');
    assert.ok(Math.abs(hp.sum - 11.111) < 1e-9);
    assert.equal(typeof hp.scale, 'number');
    assert.equal(hp.zeroCount, '0');
    assert.equal(hp.min, 0.001);
    assert.equal(hp.max, 10);
    assert.equal(
      hp.positive.bucketCounts.reduce((a: number, c: string) => a + Number(c), 0),
      5,
    );
    // OTLP bucket i is (base^i, base^(i+1)]: the bucket holding 1.0 exactly is index -1.
    const base = 2 ** (2 ** -hp.scale);
    const idxOf = (v: number) => {
      for (let k = 0; k < hp.positive.bucketCounts.length; k++) {
        const i = hp.positive.offset + k;
        if (
          hp.positive.bucketCounts[k] !== '0' &&
          base ** i < v * (1 + 1e-12) &&
          v <= base ** (i + 1) * (1 + 1e-12)
        )
          return i;
      }
      return undefined;
    };
    for (const v of [0.001, 0.01, 0.1, 1, 10])
      assert.notEqual(idxOf(v), undefined, `no OTLP bucket holds ${v}`);
    assert.equal(idxOf(1), -1);

    const size = metric('size_bytes').summary.dataPoints[0];
    assert.equal(size.count, '1');
    assert.deepEqual(
      size.quantileValues.map((q: Json) => q.quantile),
      [0.5, 0.9],
    );
    assert.equal(size.quantileValues[0].value, 42);
  });

  it('counts failed exports and keeps going', async () => {
    status = 503;
    const reg = new Registry();
    new Gauge({ name: 'g', help: 'G.', registers: [reg] }).set(1);
    const exp = otlpExport({ url, registry: reg });
    assert.equal(await exp.flush(), false);
    status = 200;
    assert.equal(await exp.flush(), true);
    await exp.stop();
    assert.match(await reg.metrics(), /^sonde_sdk_otlp_failed_exports_total 1$/m);
    assert.throws(() => otlpExport({ url: '::' }), TypeError);
  });

  it('the sketch sample converts to OTLP indices consistently', () => {
    const s = new ExponentialSketch({ scale: 0 });
    s.record(1); // Prometheus index 0 = (0.5, 1]; OTLP index -1 = (0.5, 1]
    assert.equal(s.toHistogramSample().positive.offset, 0);
  });
});
