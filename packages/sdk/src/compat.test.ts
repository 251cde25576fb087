// The same prom-client-style code runs against prom-client and @sonde/sdk;
// their expositions must hold the same samples (label order aside).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import * as sonde from './index.js';

const promClient = createRequire(import.meta.url)('prom-client');

type Lib = typeof sonde;

/** Sample lines normalized: labels sorted, metrics separated by nothing. */
function samples(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const m = /^([^{ ]+)(?:\{(.*)\})? (.*)$/.exec(l)!;
      const labels = m[2]
        ? m[2]
            .split(/,(?=[a-zA-Z_]+=")/)
            .sort()
            .join(',')
        : '';
      return `${m[1]}{${labels}} ${Number(m[3])}`;
    })
    .sort();
}

function comments(text: string): string[] {
  return text.split('\n').filter((l) => l.startsWith('#'));
}

/** Typical application code, written against prom-client's API. */
async function appCode(
  client: Lib,
): Promise<{ text: string; om: string; json: unknown; single: unknown; exText: string }> {
  const registry = new client.Registry();
  registry.setDefaultLabels({ app: 'shop' });
  const requests = new client.Counter({
    name: 'http_requests_total',
    help: 'Requests served.',
    labelNames: ['method', 'code'],
    registers: [registry],
  });
  requests.inc({ method: 'GET', code: 200 });
  requests.inc({ method: 'GET', code: '200' }, 2);
  requests.labels('POST', '201').inc();
  requests.labels({ method: 'PUT', code: '500' }).inc(4);
  requests.remove('PUT', '500');

  const jobs = new client.Counter({ name: 'jobs_total', help: 'Jobs.', registers: [registry] });
  jobs.inc();
  jobs.inc(2.5);

  const queue = new client.Gauge({
    name: 'queue_depth',
    help: 'Queue "depth"\\now.',
    labelNames: ['q'],
    registers: [registry],
  });
  queue.set({ q: 'a' }, 10);
  queue.inc({ q: 'a' });
  queue.dec({ q: 'a' }, 3);
  queue.labels('b').set(1);
  queue.labels('b').inc(2);

  const temp = new client.Gauge({
    name: 'temperature_celsius',
    help: 'T.',
    registers: [registry],
    collect() {
      this.set(21.5);
    },
  });
  void temp;

  const latency = new client.Histogram({
    name: 'op_duration_seconds',
    help: 'Op latency.',
    labelNames: ['op'],
    buckets: [0.1, 0.5, 1, 5],
    registers: [registry],
  });
  for (const v of [0.05, 0.1, 0.3, 0.7, 2, 9]) latency.observe({ op: 'read' }, v);
  latency.labels('write').observe(0.5);
  latency.zero({ op: 'idle' });
  const end = latency.startTimer({ op: 'timed' });
  end();

  const size = new client.Summary({
    name: 'payload_bytes',
    help: 'Sizes.',
    percentiles: [0.5],
    registers: [registry],
  });
  size.observe(100);

  const withExemplars = new client.Registry(client.Registry.OPENMETRICS_CONTENT_TYPE as never);
  const ex = new client.Counter({
    name: 'exemplar_total',
    help: 'Exemplar-style calls.',
    labelNames: ['a'],
    enableExemplars: true,
    registers: [withExemplars],
  });
  ex.inc({ labels: { a: 'x' }, value: 2, exemplarLabels: { traceId: 'abc' } } as never);
  const exText = await withExemplars.metrics();

  const other = new client.Registry();
  new client.Counter({ name: 'other_total', help: 'O.', registers: [other] }).inc(7);
  const merged = client.Registry.merge([registry, other]);

  const text = await merged.metrics();
  // (prom-client renames counters while writing OpenMetrics, so read these first)
  const json = await registry.getMetricsAsJSON();
  const single = registry.getSingleMetric('jobs_total')?.name;
  registry.setContentType(client.Registry.OPENMETRICS_CONTENT_TYPE as any);
  const om = await registry.metrics();
  return { text, om, json, single, exText };
}

describe('prom-client compatibility: the same code against both libraries', () => {
  it('gives the same samples in text format 0.0.4 and OpenMetrics', async () => {
    const theirs = await appCode(promClient);
    const ours = await appCode(sonde);
    const strip = (lines: string[]) =>
      lines
        .filter((l) => !l.includes('op_duration_seconds') || !l.includes('op="timed"'))
        .filter((l) => !l.startsWith('payload_bytes'));
    assert.deepEqual(strip(samples(ours.text)), strip(samples(theirs.text)));
    assert.deepEqual(strip(samples(ours.om)), strip(samples(theirs.om)));
    assert.deepEqual(
      comments(ours.text),
      comments(theirs.text).filter((l) => l !== ''),
    );
    assert.ok(ours.om.endsWith('# EOF\n'));
    assert.equal(ours.single, theirs.single);
    assert.match(ours.exText, /^exemplar_total\{a="x"\} 2$/m);
    assert.match(theirs.exText, /^exemplar_total\{a="x"\} 2 # /m);
    // the summary exists with the same series names in both
    const names = (t: string) =>
      samples(t)
        .filter((l) => l.startsWith('payload_bytes'))
        .map((l) => l.split('{')[0]);
    assert.deepEqual(names(ours.text), names(theirs.text));
  });

  it('gives the same JSON (getMetricsAsJSON)', async () => {
    const norm = (json: any) =>
      json
        .filter((m: any) => m.name !== 'payload_bytes')
        .map((m: any) => ({
          name: m.name,
          help: m.help,
          type: m.type,
          aggregator: m.aggregator,
          values: m.values
            .filter((v: any) => v.labels.op !== 'timed')
            .map((v: any) => ({
              value: v.value,
              metricName: v.metricName,
              labels: Object.fromEntries(
                Object.entries(v.labels)
                  .map(([k, x]) => [k, String(x)])
                  .sort(),
              ),
            }))
            .sort((a: any, b: any) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
        }));
    assert.deepEqual(norm((await appCode(sonde)).json), norm((await appCode(promClient)).json));
  });

  it('exposes the prom-client module surface', () => {
    for (const k of Object.keys(promClient)) {
      if (['Pushgateway', 'AggregatorRegistry', 'aggregators'].includes(k)) continue;
      assert.ok(k in sonde, `missing export ${k}`);
    }
    assert.equal(sonde.register.contentType, promClient.register.contentType);
    assert.deepEqual(sonde.linearBuckets(1, 2, 3), promClient.linearBuckets(1, 2, 3));
    assert.deepEqual(sonde.exponentialBuckets(1, 2, 3), promClient.exponentialBuckets(1, 2, 3));
    assert.equal(sonde.validateMetricName('a:b_c'), promClient.validateMetricName('a:b_c'));
    assert.equal(sonde.validateMetricName('1a'), promClient.validateMetricName('1a'));
  });

  it('rejects what prom-client rejects at definition time', () => {
    for (const lib of [sonde, promClient] as Lib[]) {
      const registers = [new lib.Registry()];
      assert.throws(() => new lib.Counter({ name: 'bad-name', help: 'x', registers }));
      assert.throws(() => new lib.Counter({ name: 'ok', help: '', registers }));
      assert.throws(() => new lib.Counter({ name: 'ok', help: 'x', labelNames: ['bad-label'], registers }));
      assert.throws(() => new lib.Histogram({ name: 'h', help: 'x', labelNames: ['le'], registers }));
      assert.throws(() => new lib.Summary({ name: 's', help: 'x', labelNames: ['quantile'], registers }));
      new lib.Counter({ name: 'dup_total', help: 'x', registers });
      assert.throws(
        () => new lib.Counter({ name: 'dup_total', help: 'x', registers }),
        /already been registered/,
      );
      const c = new lib.Counter({ name: 'neg_total', help: 'x', registers });
      assert.throws(() => c.inc(-1), /not possible to decrease a counter/);
      const l = new lib.Counter({ name: 'lab_total', help: 'x', labelNames: ['a'], registers });
      assert.throws(() => l.inc({ b: 'x' } as any));
      assert.throws(() => l.labels('x', 'y'));
    }
  });
});
