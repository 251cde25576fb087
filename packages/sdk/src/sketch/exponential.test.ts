import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ExponentialSketch } from './index.js';

function lognormal(n: number, mu = -4, sigma = 1.2, seed = 42): Float64Array {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = 1 - rnd();
    const v = rnd();
    out[i] = Math.exp(mu + sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }
  return out;
}

describe('ExponentialSketch', () => {
  it('places values in Prometheus native-histogram buckets (upper bound inclusive)', () => {
    const s = new ExponentialSketch({ scale: 0 });
    for (const v of [1, 2, 3, 4, 0.5]) s.record(v);
    const h = s.toHistogramSample();
    // scale 0: bucket i covers (2^(i-1), 2^i]; 0.5 -> -1, 1 -> 0, 2 -> 1, 3,4 -> 2
    assert.deepEqual(h.positive, { offset: -1, counts: [1, 1, 1, 2] });
    assert.equal(h.schema, 0);
    assert.equal(h.count, 5);
    assert.equal(h.sum, 10.5);
    assert.deepEqual(h.negative, { offset: 0, counts: [] });
  });

  it('keeps zero and negative values', () => {
    const s = new ExponentialSketch({ scale: 1 });
    for (const v of [0, -1, -3, 2]) s.record(v);
    const h = s.toHistogramSample();
    assert.equal(h.zeroCount, 1);
    assert.equal(h.count, 4);
    assert.ok(h.negative.counts.length > 0);
    assert.ok(Math.abs(s.quantile(0.2) - -3) / 3 < 0.2);
    assert.equal(s.quantile(0), -3);
    assert.equal(s.quantile(1), 2);
  });

  it('ignores NaN and infinities', () => {
    const s = new ExponentialSketch();
    assert.equal(s.record(Number.NaN), false);
    assert.equal(s.record(Number.POSITIVE_INFINITY), false);
    assert.equal(s.record(Number.NEGATIVE_INFINITY), false);
    assert.equal(s.count, 0);
  });

  it('answers quantiles of 10^5 lognormal values within 1%', () => {
    const data = lognormal(100_000);
    const s = new ExponentialSketch();
    for (const v of data) s.record(v);
    const sorted = Float64Array.from(data).sort();
    for (const q of [0.01, 0.1, 0.5, 0.9, 0.99, 0.999]) {
      const exact = sorted[Math.floor(q * (sorted.length - 1))];
      const est = s.quantile(q);
      assert.ok(Math.abs(est - exact) / exact <= 0.01, `q=${q} exact=${exact} est=${est}`);
    }
    assert.ok(s.toHistogramSample().positive.counts.length <= 2048);
  });

  it('reduces scale to stay within maxBuckets', () => {
    const s = new ExponentialSketch({ maxBuckets: 160 });
    for (let e = -20; e <= 20; e++) s.record(2 ** e * 1.3);
    const h = s.toHistogramSample();
    assert.ok(h.positive.counts.length <= 160, `${h.positive.counts.length}`);
    assert.ok(h.schema < 8);
    assert.equal(
      h.positive.counts.reduce((a, b) => a + b, 0),
      41,
    );
  });

  it('merges: merge(a, b) equals recording everything in one sketch', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 200 }),
        fc.array(fc.double({ min: 1e-9, max: 1e9, noNaN: true }), { maxLength: 200 }),
        (xs, ys) => {
          const a = new ExponentialSketch({ maxBuckets: 64 });
          const b = new ExponentialSketch({ maxBuckets: 64, scale: 3 });
          const all = new ExponentialSketch({ maxBuckets: 64 });
          for (const x of xs) {
            a.record(x);
            all.record(x);
          }
          for (const y of ys) {
            b.record(y);
            all.record(y);
          }
          a.merge(b);
          const ha = a.toHistogramSample();
          const hall = all.toHistogramSample();
          assert.equal(ha.count, hall.count);
          assert.equal(ha.zeroCount, hall.zeroCount);
          // The merged one may be at a different scale; bring both to the lower one.
          const low = Math.min(ha.schema, hall.schema);
          const norm = (h: typeof ha) => {
            const s = ExponentialSketch.fromHistogramSample(h, { maxBuckets: 1 << 20 });
            s.downscale(s.scale - low);
            return s.toHistogramSample();
          };
          assert.deepEqual(norm(ha).positive, norm(hall).positive);
          assert.deepEqual(norm(ha).negative, norm(hall).negative);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('widens 32-bit counters instead of wrapping', () => {
    const s = new ExponentialSketch({ scale: 0 });
    s.record(3);
    s.record(3);
    // biome-ignore lint/suspicious/noExplicitAny: reaching into the bucket store to simulate 4 billion observations
    const pos = (s as any).pos;
    pos.counts[2 - pos.base] = 0xffffffff;
    s.record(3);
    assert.equal(s.toHistogramSample().positive.counts.at(-1), 2 ** 32);
    s.record(3);
    assert.equal(s.toHistogramSample().positive.counts.at(-1), 2 ** 32 + 1);
    const m = new ExponentialSketch({ scale: 0 });
    m.merge({
      schema: 0,
      zeroThreshold: 0,
      zeroCount: 0,
      count: 1.5,
      sum: 3,
      positive: { offset: 2, counts: [1.5] },
      negative: { offset: 0, counts: [] },
    });
    assert.equal(m.toHistogramSample().positive.counts[0], 1.5);
  });

  it('round-trips through toHistogramSample/fromHistogramSample', () => {
    const s = new ExponentialSketch();
    for (const v of lognormal(1000)) s.record(v);
    const h = s.toHistogramSample();
    assert.deepEqual(ExponentialSketch.fromHistogramSample(h).toHistogramSample(), h);
  });
});
