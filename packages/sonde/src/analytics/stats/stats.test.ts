import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { comparePeriods } from './compare.js';
import {
  addSample,
  emptySketch,
  mergeSketches,
  sampleFromValues,
  sketchFractionBelow,
  sketchQuantile,
  windowIncrease,
} from './histogram.js';
import { mannWhitney } from './mann-whitney.js';
import { normalCdf, normalQuantile } from './normal.js';
import { quantile, summarize } from './summary.js';
import { mannKendall, theilSen, trend } from './trend.js';

function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
}
const near = (a: number, b: number, tol: number, what = '') =>
  assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b}`);

describe('summarize', () => {
  it('gives exact order statistics over raw samples, skipping NaN', () => {
    const v = Float64Array.from({ length: 1001 }, (_, i) => i); // 0..1000
    v[5] = Number.NaN;
    const s = summarize(v, [2000]);
    assert.equal(s.count, 1001);
    assert.equal(s.min, 0);
    assert.equal(s.max, 2000);
    assert.equal(s.median, 501); // 0..4, 6..1000, 2000: the 501st value
    assert.equal(s.p99, quantile([...v.filter((x) => !Number.isNaN(x)), 2000], 0.99));
    near(summarize([2, 4, 4, 4, 5, 5, 7, 9]).stddev, Math.sqrt(32 / 7), 1e-12);
    assert.equal(summarize([]).count, 0);
  });
  it('quantile matches a sort-based reference (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (xs, q) => {
          const s = [...xs].sort((a, b) => a - b);
          const pos = q * (s.length - 1);
          const lo = Math.floor(pos);
          const ref = s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
          near(quantile(xs, q), ref, 1e-9 * (1 + Math.abs(ref)));
        },
      ),
    );
  });
});

describe('histogram sketches', () => {
  const r = rng(7);
  const values = Array.from({ length: 20000 }, () => Math.exp(r() * 6 - 5)); // 7 ms .. 2.7 s, log-uniform
  const exact = (q: number) => quantile(values, q);

  it('reads quantiles within the bucket resolution', () => {
    const s = emptySketch();
    addSample(s, sampleFromValues(values, 8));
    for (const q of [0.5, 0.9, 0.99, 0.999]) near(sketchQuantile(s, q) / exact(q), 1, 0.005, `q${q}`);
    near(sketchFractionBelow(s, exact(0.9)), 0.9, 0.005);
  });

  it('merges sketches of different schemas into one distribution', () => {
    const a = emptySketch();
    addSample(a, sampleFromValues(values.slice(0, 10000), 8));
    const b = emptySketch();
    addSample(b, sampleFromValues(values.slice(10000), 3));
    const m = mergeSketches([a, b]);
    assert.equal(m.schema, 3);
    assert.equal(m.count, 20000);
    for (const q of [0.5, 0.99]) near(sketchQuantile(m, q) / exact(q), 1, 0.06, `q${q}`); // schema 3: 9% wide buckets
  });

  it('takes the window increase of cumulative samples across a counter reset', () => {
    const first = sampleFromValues(values.slice(0, 100));
    const beforeReset = sampleFromValues(values.slice(0, 300));
    const afterReset = sampleFromValues(values.slice(300, 350));
    const inc = windowIncrease([first, beforeReset, afterReset]);
    assert.equal(inc.count, 250); // 200 before the reset + 50 after
    let total = 0;
    for (const c of inc.positive.values()) total += c;
    assert.equal(total, 250);
  });
});

describe('Mann–Whitney U', () => {
  it('matches the textbook normal approximation', () => {
    const m = mannWhitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    assert.equal(m.u, 0);
    near(m.p, 0.0122, 0.0005);
    assert.equal(m.probabilityGreater, 0);
  });
  it('corrects the variance for ties', () => {
    const m = mannWhitney([1, 1, 1, 2, 2, 2, 2, 3], [1, 1, 2, 2, 2, 3, 3, 3]);
    assert.ok(m.p > 0.2 && m.p < 1);
    assert.equal(mannWhitney([5, 5, 5], [5, 5, 5]).p, 1);
  });
  it('normal helpers are consistent', () => {
    near(normalCdf(1.959964), 0.975, 1e-6);
    near(normalQuantile(0.975), 1.959964, 1e-5);
  });
});

describe('comparePeriods', () => {
  const r = rng(11);
  const lat = (n: number, base: number) => Array.from({ length: n }, () => base * (1 + 0.2 * (r() - 0.5)));
  it('calls a 20% slower period a regression', () => {
    const c = comparePeriods(lat(500, 100), lat(500, 120));
    assert.equal(c.verdict, 'regression');
    near(c.medianChange.relative, 0.2, 0.03);
  });
  it('calls a faster one an improvement, and flips for higher-is-better metrics', () => {
    assert.equal(comparePeriods(lat(500, 100), lat(500, 80)).verdict, 'improvement');
    assert.equal(comparePeriods(lat(500, 100), lat(500, 80), { higherIsWorse: false }).verdict, 'regression');
  });
  it('needs a minimum effect even when significant, and enough samples', () => {
    const c = comparePeriods(lat(20000, 100), lat(20000, 101));
    assert.equal(c.verdict, 'no significant change');
    assert.match(c.explanation, /significant|chance/);
    assert.match(comparePeriods([1, 2], [3, 4]).explanation, /too few/);
  });
});

describe('trend', () => {
  it('recovers a known slope despite outliers, per hour and day', () => {
    const t = Float64Array.from({ length: 500 }, (_, i) => i * 60_000);
    const v = Float64Array.from(t, (ms, i) => 10 + (ms / 3_600_000) * 2 + (i % 37 === 0 ? 500 : 0));
    const tr = trend(t, v);
    near(tr.slopePerHour, 2, 1e-9);
    near(tr.slopePerDay, 48, 1e-7);
    assert.equal(tr.direction, 'increasing');
    assert.ok(tr.p < 1e-6);
  });
  it('finds no trend in noise', () => {
    const r = rng(3);
    const v = Float64Array.from({ length: 300 }, () => r());
    const mk = mannKendall(v);
    assert.ok(mk.p > 0.01, `p=${mk.p}`);
    assert.equal(theilSen([0, 1, 2], [5, 5, 5]), 0);
  });
});
