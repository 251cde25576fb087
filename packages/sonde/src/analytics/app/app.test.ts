import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistogramSample, Labels, SeriesData } from '../../storage/types.js';
import { sampleFromValues } from '../stats/histogram.js';
import type { MetricSource } from '../system/counters.js';
import { bottlenecks } from '../system/use.js';
import { gradeOf, healthScore } from './health.js';
import { latencyOverall } from './latency.js';
import { routeStats, severityOf } from './routes.js';

const MIN = 60_000;
const WINDOW = 10 * MIN;
const times = Float64Array.from({ length: 11 }, (_, i) => i * MIN);

/** A counter growing at `perSecond` over the 10-minute window. */
function counter(name: string, labels: Record<string, string>, perSecond: number): SeriesData {
  return {
    labels: { __name__: name, ...labels },
    t: times,
    v: Float64Array.from(times, (t) => 1000 + (perSecond * t) / 1000),
  };
}
function gauge(name: string, labels: Record<string, string>, value: number): SeriesData {
  return { labels: { __name__: name, ...labels }, t: times, v: new Float64Array(times.length).fill(value) };
}
/** A native histogram whose window increase is exactly `values`. */
function histogram(name: string, labels: Labels, values: number[]): SeriesData {
  const before = sampleFromValues([0.001]);
  const after = sampleFromValues([0.001, ...values]);
  const h: HistogramSample[] = [before, after];
  return {
    labels: { __name__: name, ...labels },
    t: new Float64Array(0),
    v: new Float64Array(0),
    ht: Float64Array.from([0, WINDOW]),
    h,
  };
}
function source(series: SeriesData[]): MetricSource {
  return (metric) => series.filter((s) => s.labels.__name__ === metric);
}
const repeat = (v: number, n: number) => new Array(n).fill(v);

describe('routes', () => {
  const series = [
    histogram('http_server_request_duration_seconds', { route: '/slow', method: 'GET' }, [
      ...repeat(0.05, 90),
      ...repeat(1.5, 10),
    ]),
    histogram('http_server_request_duration_seconds', { route: '/fast', method: 'GET' }, repeat(0.02, 100)),
    counter(
      'http_server_requests_total',
      { route: '/slow', method: 'GET', status_code: '200', cache: 'miss' },
      0.9,
    ),
    counter(
      'http_server_requests_total',
      { route: '/slow', method: 'GET', status_code: '500', cache: 'miss' },
      0.1,
    ),
    counter(
      'http_server_requests_total',
      { route: '/fast', method: 'GET', status_code: '200', cache: 'hit' },
      0.8,
    ),
    counter(
      'http_server_requests_total',
      { route: '/fast', method: 'GET', status_code: '200', cache: 'miss' },
      0.2,
    ),
  ];
  it('ranks routes by P95 with severity, error and cache rates', () => {
    const r = routeStats(source(series), WINDOW);
    assert.deepEqual(
      r.map((x) => [x.route, x.severity, x.cache]),
      [
        ['/slow', 'critical', 'none'],
        ['/fast', 'good', 'high'],
      ],
    );
    assert.ok(Math.abs(r[0].p95! - 1.5) / 1.5 < 0.01, `p95 ${r[0].p95}`);
    assert.ok(Math.abs(r[0].errorRate! - 0.1) < 1e-9);
    assert.ok(Math.abs(r[1].cacheHitRate! - 0.8) < 1e-9);
    assert.ok(Math.abs(r[0].throughput - 1) < 1e-9);
  });
  it('reads classic buckets too', () => {
    const b = (le: string, perSecond: number) =>
      counter('http_server_request_duration_seconds_bucket', { route: '/c', method: 'POST', le }, perSecond);
    const r = routeStats(source([b('0.1', 0.5), b('0.5', 0.9), b('1', 1), b('+Inf', 1)]), WINDOW);
    assert.equal(r[0].route, '/c');
    // 95% lies in (0.5, 1]: 0.5 + 0.5 × (0.95 − 0.9)/0.1 = 0.75
    assert.ok(Math.abs(r[0].p95! - 0.75) < 1e-9, `${r[0].p95}`);
    assert.equal(r[0].severity, 'slow');
  });
  it('maps P95 to severity at the documented edges', () => {
    assert.deepEqual(
      [0.099, 0.1, 0.499, 0.5, 0.999, 1].map((x) => severityOf(x)),
      ['good', 'warning', 'warning', 'slow', 'slow', 'critical'],
    );
  });
});

describe('USE bottlenecks', () => {
  it('names the most saturated resource with evidence', () => {
    const series = [
      counter('node_cpu_seconds_total', { cpu: '0', mode: 'idle' }, 0.05),
      counter('node_cpu_seconds_total', { cpu: '0', mode: 'user' }, 0.95),
      counter('node_pressure_cpu_waiting_seconds_total', {}, 0.2),
      gauge('node_memory_MemAvailable_bytes', {}, 6 * 2 ** 30),
      gauge('node_memory_MemTotal_bytes', {}, 8 * 2 ** 30),
      counter('node_disk_io_time_seconds_total', { device: 'sda' }, 0.3),
      gauge('nodejs_eventloop_lag_p99_seconds', {}, 0.01),
    ];
    const b = bottlenecks(source(series));
    assert.equal(b.top, 'cpu');
    const cpu = b.resources.find((r) => r.resource === 'cpu')!;
    assert.ok(Math.abs(cpu.utilization! - 0.95) < 1e-9);
    assert.ok(Math.abs(cpu.saturation! - 0.2) < 1e-9);
    assert.match(b.summary, /cpu is the most saturated resource.*95\.0% busy/);
    const mem = b.resources.find((r) => r.resource === 'memory')!;
    assert.ok(Math.abs(mem.utilization! - 0.25) < 1e-9);
    assert.equal(
      b.resources.find((r) => r.resource === 'network'),
      undefined,
    );
  });
  it('says so when there is nothing to judge', () => {
    assert.equal(bottlenecks(source([])).top, null);
  });
});

describe('health score', () => {
  it('combines Apdex, errors and saturation with every part shown', () => {
    const lat = latencyOverall(
      source([
        histogram('http_server_request_duration_seconds', {}, [
          ...repeat(0.1, 80),
          ...repeat(1, 10),
          ...repeat(5, 10),
        ]),
      ]),
      'http_server_request_duration_seconds',
    )!;
    const h = healthScore({ latency: lat, apdexT: 0.5, requests: 1000, errors: 10, bottlenecks: null });
    const apdex = h.parts.find((p) => p.name === 'apdex')!;
    assert.ok(Math.abs(apdex.value! - 0.85) < 0.01, `apdex ${apdex.value}`); // 80 satisfied + 10 tolerating / 2
    const errors = h.parts.find((p) => p.name === 'errors')!;
    assert.ok(Math.abs(errors.value! - 0.8) < 1e-9); // 1% errors
    assert.equal(h.parts.find((p) => p.name === 'saturation')!.weight, 0);
    // weights 0.5 and 0.3 rescaled to 5/8 and 3/8
    assert.ok(Math.abs(h.score! - 100 * (0.625 * apdex.value! + 0.375 * 0.8)) < 1e-9);
    assert.equal(h.grade, gradeOf(h.score!));
    assert.equal(healthScore({ latency: null, requests: 0, errors: 0, bottlenecks: null }).score, null);
  });
  it('grades at the documented edges', () => {
    assert.deepEqual([95, 94.9, 90, 85, 80, 75, 70, 60, 59.9].map(gradeOf), [
      'A+',
      'A',
      'A',
      'B+',
      'B',
      'C+',
      'C',
      'D',
      'F',
    ]);
  });
});
