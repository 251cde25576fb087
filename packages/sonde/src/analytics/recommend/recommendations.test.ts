import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RouteStats } from '../app/routes.js';
import { comparePeriods } from '../stats/compare.js';
import { duration, recommend, seriesName } from './recommendations.js';

const from = Date.UTC(2026, 10, 22, 10);
const to = Date.UTC(2026, 10, 22, 11);
const route = (o: Partial<RouteStats>): RouteStats => ({
  method: 'GET',
  route: '/api/orders',
  requests: 1000,
  throughput: 0.28,
  p50: 0.2,
  p95: 1.84,
  p99: 2.5,
  severity: 'critical',
  errorRate: 0.032,
  errors: 32,
  cacheHitRate: 0.12,
  cache: 'low',
  ...o,
});

describe('recommend', () => {
  it('turns each finding into a sentence with its numbers and window', () => {
    const recs = recommend({
      from,
      to,
      routes: [
        route({}),
        route({
          route: '/health',
          p95: 0.004,
          severity: 'good',
          errorRate: 0,
          errors: 0,
          cacheHitRate: null,
          cache: 'none',
          requests: 10,
        }),
      ],
      capacity: [
        {
          labels: { __name__: 'node_filesystem_avail_bytes', mountpoint: '/var' },
          threshold: 0,
          current: 5e9,
          eta: {
            seconds: 3.2 * 86400,
            lowerSeconds: 2.5 * 86400,
            upperSeconds: 4.1 * 86400,
            slopePerSecond: -5e9 / (3.2 * 86400),
          },
        },
      ],
    });
    const texts = recs.map((r) => r.text);
    assert.equal(recs[0].priority, 'critical');
    assert.ok(
      texts.some((t) =>
        /Speed up GET \/api\/orders: its P95 latency is 1\.84 s \(critical\) over 1000 requests in 2026-11-22T10:00:00Z–2026-11-22T11:00:00Z/.test(
          t,
        ),
      ),
    );
    assert.ok(texts.some((t) => /32 of 1000 requests \(3\.2%\) answered 5xx/.test(t)));
    assert.ok(texts.some((t) => /only 12\.0% of its 1000 cache-eligible requests were hits/.test(t)));
    assert.ok(
      texts.some((t) =>
        /node_filesystem_avail_bytes\{mountpoint="\/var"\}.*reaches 0 in 3\.2 days \(2\.5 days–4\.1 days\)/.test(
          t,
        ),
      ),
    );
    assert.ok(!texts.some((t) => t.includes('/health')), 'a healthy route gives no advice');
  });
  it('reports regressions with both windows, and nothing without findings', () => {
    const c = comparePeriods(
      Array.from({ length: 50 }, (_, i) => 100 + (i % 5)),
      Array.from({ length: 50 }, (_, i) => 150 + (i % 5)),
    );
    const recs = recommend({
      from,
      to,
      regressions: [
        { labels: { __name__: 'latency' }, comparison: c, baselineFrom: from - 3600_000, baselineTo: from },
      ],
    });
    assert.equal(recs.length, 1);
    assert.match(recs[0].text, /median 102 → 152 \(\+49\.0%/);
    assert.deepEqual(recommend({ from, to }), []);
  });
  it('formats series and durations', () => {
    assert.equal(seriesName({ __name__: 'up', job: 'a' }), 'up{job="a"}');
    assert.equal(duration(3.2 * 86400), '3.2 days');
    assert.equal(duration(Number.POSITIVE_INFINITY), 'never');
  });
});
