import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { HistogramSample } from '../storage/types.js';
import { MAX_DENSE_BUCKETS, reduceSchema, spansToRun } from './histogram.js';

describe('spansToRun', () => {
  it('expands spans with gaps and delta counts into one dense run', () => {
    assert.deepEqual(
      spansToRun(
        [
          { offset: -2, length: 2 },
          { offset: 3, length: 1 },
        ],
        [4, -2, 5],
        true,
      ),
      { offset: -2, counts: [4, 2, 0, 0, 0, 7] },
    );
    assert.deepEqual(spansToRun([{ offset: 1, length: 2 }], [1.5, 0.5], false), {
      offset: 1,
      counts: [1.5, 0.5],
    });
    assert.deepEqual(spansToRun([], [], true), { offset: 0, counts: [] });
  });

  it('refuses inconsistent or absurd spans with a reason', () => {
    assert.match(spansToRun([{ offset: 0, length: 3 }], [1], true) as string, /spans cover 3 buckets but 1/);
    assert.match(spansToRun([{ offset: 0, length: 1 }], [-1], true) as string, /negative bucket count/);
    assert.match(
      spansToRun(
        [
          { offset: 0, length: 1 },
          { offset: MAX_DENSE_BUCKETS, length: 1 },
        ],
        [1, 0],
        true,
      ) as string,
      /more than/,
    );
    assert.match(spansToRun([], [1], true) as string, /without spans/);
  });
});

/** Upper bound of Prometheus bucket `i` at `schema`: base^i with base = 2^(2^-schema). */
function upper(i: number, schema: number): number {
  return 2 ** (i * 2 ** -schema);
}

describe('reduceSchema', () => {
  it('keeps the total count and puts every bucket inside the coarser bucket that covers it (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 9, max: 20 }),
        fc.integer({ min: -200, max: 200 }),
        fc.array(fc.nat({ max: 1000 }), { maxLength: 40 }),
        (schema, offset, counts) => {
          const h: HistogramSample = {
            schema,
            zeroThreshold: 0,
            zeroCount: 0,
            count: counts.reduce((a, b) => a + b, 0),
            sum: 0,
            positive: { offset, counts },
            negative: { offset: 0, counts: [] },
          };
          const r = reduceSchema(h);
          assert.equal(r.schema, 8);
          assert.equal(
            r.positive.counts.reduce((a, b) => a + b, 0),
            h.count,
          );
          // Each fine bucket (lo, hi] lies within the coarse bucket its count went to.
          const shift = schema - 8;
          counts.forEach((_c, k) => {
            const fine = offset + k;
            const coarse = Math.ceil(fine / 2 ** shift);
            assert.ok(upper(fine, schema) <= upper(coarse, 8) * (1 + 1e-12));
            assert.ok(upper(fine - 1, schema) >= upper(coarse - 1, 8) * (1 - 1e-12));
          });
        },
      ),
    );
  });

  it('leaves schemas of 8 and below alone', () => {
    const h: HistogramSample = {
      schema: 3,
      zeroThreshold: 0,
      zeroCount: 0,
      count: 1,
      sum: 1,
      positive: { offset: 0, counts: [1] },
      negative: { offset: 0, counts: [] },
    };
    assert.equal(reduceSchema(h), h);
  });
});
