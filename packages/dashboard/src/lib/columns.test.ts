import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Columns, columnsFromMatrix, toCsv } from './columns';

describe('Columns', () => {
  it('appends rows in place and grows by doubling', () => {
    const c = new Columns(2);
    const a = c.column('a', { __name__: 'a' });
    for (let t = 1; t <= 5; t++) c.set(t, a, t * 10);
    assert.equal(c.length, 5);
    assert.equal(c.capacity, 8);
    assert.deepEqual([...c.view()[1]], [10, 20, 30, 40, 50]);
  });

  it('keeps every series aligned on one time axis, NaN where a series has no value', () => {
    const c = new Columns();
    const a = c.column('a', {});
    c.set(1, a, 1);
    const b = c.column('b', {});
    c.set(2, b, 2);
    c.set(2, a, 3);
    const [x, ya, yb] = c.view();
    assert.deepEqual([...x], [1, 2]);
    assert.deepEqual([...ya], [1, 3]);
    assert.ok(Number.isNaN(yb[0]));
    assert.equal(yb[1], 2);
  });

  it('stays sorted and duplicate-free whatever order points arrive in (gap fills come late)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.double({ noNaN: true }))), (pts) => {
        const c = new Columns(1);
        const col = c.column('s', {});
        const expect = new Map<number, number>();
        for (const [t, v] of pts) {
          c.set(t, col, v);
          expect.set(t, v);
        }
        const [x, y] = c.view();
        const times = [...expect.keys()].sort((p, q) => p - q);
        assert.deepEqual([...x], times);
        for (const [i, t] of times.entries()) assert.ok(Object.is(y[i], expect.get(t)));
      }),
    );
  });

  it('trims old rows, computes last and stats, and writes CSV', () => {
    const c = new Columns();
    const a = c.column('a', {});
    for (let t = 0; t < 10; t++) c.set(t, a, t);
    c.set(10, c.column('b', {}), 1);
    c.trimBefore(5);
    assert.deepEqual([...c.view()[0]], [5, 6, 7, 8, 9, 10]);
    assert.equal(c.last(a), 9);
    assert.deepEqual(c.stats(a), { min: 5, max: 9, mean: 7, count: 5 });
    const csv = toCsv(c, ['a', 'b "x"']).split('\n');
    assert.equal(csv[0], 'time,a,"b ""x"""');
    assert.equal(csv[1], '1970-01-01T00:00:05.000Z,5,');
  });

  it('reads a Prometheus matrix, including NaN and infinities', () => {
    const c = columnsFromMatrix([
      {
        metric: { __name__: 'up', job: 'a' },
        values: [
          [1, '1'],
          [2, 'NaN'],
        ],
      },
      { metric: { __name__: 'up', job: 'b' }, values: [[2, '+Inf']] },
    ]);
    assert.equal(c.length, 2);
    assert.equal(c.ys[0][0], 1);
    assert.ok(Number.isNaN(c.ys[0][1]));
    assert.equal(c.ys[1][1], Number.POSITIVE_INFINITY);
  });
});
