import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type ApiHistogram, histogramFromApi, parseApiNumber, toQueryValue } from './convert.js';
import { selectorFor } from './api.js';

/** Buckets as Prometheus's API writes them: non-empty only, [rule, lower, upper, count]. */
function apiBuckets(
  schema: number,
  zt: number,
  zc: number,
  pos: Map<number, number>,
  neg: Map<number, number>,
) {
  const base = 2 ** (2 ** -schema);
  const out: [number, string, string, string][] = [];
  for (const [i, c] of [...neg].sort((a, b) => b[0] - a[0]))
    out.push([1, String(-(base ** i)), String(-(base ** (i - 1))), String(c)]);
  if (zc > 0) out.push([3, String(-zt), String(zt), String(zc)]);
  for (const [i, c] of [...pos].sort((a, b) => a[0] - b[0]))
    out.push([0, String(base ** (i - 1)), String(base ** i), String(c)]);
  return out;
}

const nonZero = (run: { offset: number; counts: readonly number[] }) =>
  new Map(run.counts.flatMap((c, j) => (c ? [[run.offset + j, c] as [number, number]] : [])));

describe('remote store: API JSON to QueryValue', () => {
  it('parses Prometheus value strings', () => {
    assert.deepEqual(['1', '-2.5e-7', '+Inf', '-Inf', '1e+308'].map(parseApiNumber), [
      1,
      -2.5e-7,
      Infinity,
      -Infinity,
      1e308,
    ]);
    assert.ok(Number.isNaN(parseApiNumber('NaN')));
    assert.throws(() => parseApiNumber('abc'), /invalid sample value "abc"/);
    assert.throws(() => parseApiNumber(''), /invalid sample value/);
  });

  it('converts every result type, seconds to ms', () => {
    assert.deepEqual(toQueryValue({ resultType: 'scalar', result: [1.5, '-Inf'] }), {
      type: 'scalar',
      t: 1500,
      v: -Infinity,
    });
    assert.deepEqual(toQueryValue({ resultType: 'string', result: [2, 'hi'] }), {
      type: 'string',
      t: 2000,
      v: 'hi',
    });
    const v = toQueryValue({ resultType: 'vector', result: [{ metric: { a: 'b' }, value: [1.001, '3'] }] });
    assert.deepEqual(v, { type: 'vector', samples: [{ labels: { a: 'b' }, t: 1001, v: 3 }] });
    const m = toQueryValue({
      resultType: 'matrix',
      result: [
        {
          metric: {},
          values: [
            [1, '1'],
            [2, 'NaN'],
          ],
        },
      ],
    });
    assert.ok(m.type === 'matrix');
    assert.deepEqual([...m.series[0].t], [1000, 2000]);
    assert.ok(Number.isNaN(m.series[0].v[1]));
    assert.throws(() => toQueryValue({ resultType: 'streams' } as never), /unexpected resultType "streams"/);
  });

  it('rebuilds native histograms from bucket boundaries', () => {
    const h: ApiHistogram = {
      count: '10',
      sum: '12.5',
      buckets: apiBuckets(
        1,
        0.001,
        2,
        new Map([
          [0, 3],
          [3, 4],
        ]),
        new Map([[1, 1]]),
      ),
    };
    const v = toQueryValue({
      resultType: 'vector',
      result: [{ metric: { __name__: 'h' }, histogram: [5, h] }],
    });
    assert.ok(v.type === 'vector');
    const got = v.samples[0].h!;
    assert.deepEqual(
      { ...got, positive: nonZero(got.positive), negative: nonZero(got.negative) },
      {
        schema: 1,
        zeroThreshold: 0.001,
        zeroCount: 2,
        count: 10,
        sum: 12.5,
        positive: new Map([
          [0, 3],
          [3, 4],
        ]),
        negative: new Map([[1, 1]]),
      },
    );
  });

  it('round-trips any histogram through the API bucket form (property)', () => {
    const idx = fc.integer({ min: -40, max: 40 });
    const counts = fc.array(fc.tuple(idx, fc.integer({ min: 1, max: 1000 })), { maxLength: 12 });
    fc.assert(
      fc.property(
        fc.integer({ min: -2, max: 8 }),
        counts,
        counts,
        fc.integer({ min: 0, max: 50 }),
        (schema, p, n, zc) => {
          const pos = new Map(p);
          const neg = new Map(n);
          // A schema cannot be read back without a finite bucket; skip those inputs.
          fc.pre(pos.size + neg.size > 0);
          const got = histogramFromApi({
            count: '1',
            sum: '0',
            buckets: apiBuckets(schema, 2 ** -20, zc, pos, neg),
          });
          assert.equal(got.schema, schema);
          assert.deepEqual(nonZero(got.positive), pos);
          assert.deepEqual(nonZero(got.negative), neg);
          assert.equal(got.zeroCount, zc);
        },
      ),
    );
  });

  it('builds selectors with escaped values', () => {
    assert.equal(
      selectorFor([
        { type: '=', name: '__name__', value: 'up' },
        { type: '=~', name: 'path', value: '/a"b\\d+\n' },
      ]),
      '{__name__="up",path=~"/a\\"b\\\\d+\\n"}',
    );
  });
});
