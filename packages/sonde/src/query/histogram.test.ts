// Native (exponential-bucket) histograms through the engine and the API:
// selectors, rate over histograms with resets, sum, histogram_quantile,
// histogram_count/sum/fraction, and Prometheus's JSON for histogram samples.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resultJson } from '../api/prometheus/json.js';
import { MemoryStorage } from '../storage/index.js';
import type { HistogramSample } from '../storage/types.js';
import { createQueryEngine } from './index.js';

/** Schema 0 (bucket i covers (2^(i-1), 2^i]): counts k, 2k, k in (0.5,1], (1,2], (2,4]. */
function hist(k: number): HistogramSample {
  return {
    schema: 0,
    zeroThreshold: 0,
    zeroCount: 0,
    count: 4 * k,
    sum: 6 * k,
    positive: { offset: 0, counts: [k, 2 * k, k] },
    negative: { offset: 0, counts: [] },
  };
}

async function engine() {
  const s = new MemoryStorage();
  const a = s.appender();
  for (let i = 0; i <= 40; i++) {
    a.appendHistogram({ __name__: 'lat', job: 'a' }, i * 15_000, hist(i));
    // job b resets after sample 20
    a.appendHistogram({ __name__: 'lat', job: 'b' }, i * 15_000, hist(i <= 20 ? i : i - 20));
  }
  await a.commit();
  return createQueryEngine(s);
}

const values = (r: Awaited<ReturnType<Awaited<ReturnType<typeof engine>>['instant']>>) =>
  r.type === 'vector' ? Object.fromEntries(r.samples.map((s) => [s.labels.job ?? '', s.v])) : {};

describe('native histograms', () => {
  it('selects histogram samples and writes them as Prometheus does', async () => {
    const e = await engine();
    const r = await e.instant('lat{job="a"}', 150_000);
    assert.equal(r.type, 'vector');
    assert.deepEqual(r.type === 'vector' ? r.samples[0].h?.positive : null, {
      offset: 0,
      counts: [10, 20, 10],
    });
    const json = JSON.parse(resultJson(r));
    assert.deepEqual(json.result[0].histogram, [
      150,
      {
        count: '40',
        sum: '60',
        buckets: [
          [0, '0.5', '1', '10'],
          [0, '1', '2', '20'],
          [0, '2', '4', '10'],
        ],
      },
    ]);
  });

  it('reads count, sum, quantiles and fractions', async () => {
    const e = await engine();
    assert.deepEqual(values(await e.instant('histogram_count(lat)', 150_000)), { a: 40, b: 40 });
    assert.deepEqual(values(await e.instant('histogram_sum(lat)', 150_000)), { a: 60, b: 60 });
    assert.deepEqual(values(await e.instant('histogram_quantile(0.5, lat)', 150_000)), { a: 1.5, b: 1.5 });
    assert.deepEqual(values(await e.instant('histogram_fraction(0, 1, lat)', 150_000)), { a: 0.25, b: 0.25 });
    assert.deepEqual(values(await e.instant('histogram_quantile(1, lat)', 150_000)), { a: 4, b: 4 });
  });

  it('rates histograms across a counter reset and sums them', async () => {
    const e = await engine();
    // Four 15 s increments of 4 observations per minute, on both jobs (b resets at 315 s).
    const rate = await e.instant('histogram_count(rate(lat[1m]))', 360_000);
    assert.deepEqual(values(rate), { a: 16 / 60, b: 16 / 60 });
    const q = await e.instant('histogram_quantile(0.5, sum(rate(lat[1m])))', 360_000);
    assert.deepEqual(values(q), { '': 1.5 });
    const inc = await e.instant('histogram_sum(increase(lat[1m]))', 360_000);
    assert.deepEqual(values(inc), { a: 24, b: 24 });
  });

  it('adds two histograms and keeps histograms out of float arithmetic', async () => {
    const e = await engine();
    assert.deepEqual(
      values(await e.instant('histogram_count(lat{job="a"} + ignoring(job) lat{job="b"})', 150_000)),
      {
        '': 80,
      },
    );
    assert.deepEqual(values(await e.instant('lat - lat', 150_000)), {});
    assert.deepEqual(values(await e.instant('lat * 2', 150_000)), {});
    assert.deepEqual(values(await e.instant('count(lat)', 150_000)), { '': 2 });
    const range = await e.range('histogram_count(lat{job="a"})', 0, 60_000, 30_000);
    assert.deepEqual(range.type === 'matrix' ? Array.from(range.series[0].v) : null, [0, 8, 16]);
  });
});
