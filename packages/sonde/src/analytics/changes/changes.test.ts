import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rankChanges } from './changes.js';
import { ksTwoSample } from './ks.js';

function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
}

describe('KS two-sample', () => {
  it('is 0 for identical samples and 1 for disjoint ones', () => {
    assert.equal(ksTwoSample([1, 2, 3], [1, 2, 3]).d, 0);
    const k = ksTwoSample([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    assert.equal(k.d, 1);
    assert.ok(k.p < 1e-3);
  });
  it('matches a hand-computed D with ties', () => {
    // ECDF gaps: at 2: x 3/4 vs y 1/4 → 0.5.
    assert.equal(ksTwoSample([1, 2, 2, 3], [2, 3, 3, 4]).d, 0.5);
  });
  it('gives large p for samples of one distribution', () => {
    const r = rng(4);
    const a = Array.from({ length: 500 }, r);
    const b = Array.from({ length: 500 }, r);
    assert.ok(ksTwoSample(a, b).p > 0.05);
  });
});

describe('rankChanges', () => {
  it('ranks the series whose distribution moved first', () => {
    const r = rng(8);
    const t = Array.from({ length: 120 }, (_, i) => i * 60_000); // 2 h, 1/min
    const mk = (name: string, f: (ms: number) => number) => ({ labels: { __name__: name }, t, v: t.map(f) });
    const series = [
      mk('steady', () => 10 + r()),
      mk('latency', (ms) => (ms >= 3_600_000 ? 50 : 10) + r()),
      mk('slightly', (ms) => (ms >= 3_600_000 ? 10.3 : 10) + r()),
      mk('sparse', () => 1),
    ];
    series[3] = { labels: { __name__: 'sparse' }, t: [0], v: [1] };
    const ranked = rankChanges(series, 3_600_000, 7_140_000);
    assert.deepEqual(
      ranked.map((c) => c.labels.__name__),
      ['latency', 'slightly', 'steady'],
    );
    assert.equal(ranked[0].d, 1);
    assert.ok(ranked[0].medianDuring > 49 && ranked[0].medianBefore < 11);
  });
});
