// The decoder's series cache behaves as a map from label bytes to entries,
// colliding hashes and clears included: a cleared entry is found neither by
// its bytes nor as anyone's expected next series.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { SeriesEntry } from '../series-entry.js';
import { SeriesByLabelBytes, sameKey } from './series-cache.js';

describe('series cache by label bytes', () => {
  it('finds what was added under exactly those bytes (property; with and without hash collisions)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 12 }), { minLength: 1, maxLength: 80 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 100 }),
        (keys, collide, max) => {
          const cache = collide ? new SeriesByLabelBytes(max, () => 7) : new SeriesByLabelBytes(max);
          const model = new Map<string, SeriesEntry>();
          for (const k of keys) {
            const buf = Buffer.concat([Buffer.from([1, 2]), k, Buffer.from([3])]);
            const id = Buffer.from(k).toString('hex');
            const h = cache.hashOf(buf, 2, 2 + k.length);
            const got = cache.get(h, buf, 2, 2 + k.length);
            assert.equal(got, model.get(id));
            if (got === undefined) {
              if (model.size >= max) model.clear();
              const e = cache.add(h, { id }, buf, 2, 2 + k.length);
              assert.ok(sameKey(e, buf, 2, 2 + k.length));
              model.set(id, e);
            } else assert.equal(got.labels.id, id);
            assert.equal(cache.size, model.size);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('forgets cleared entries and their expected-next links', () => {
    const cache = new SeriesByLabelBytes(2);
    const buf = Buffer.from('abc');
    const key = (i: number) => cache.hashOf(buf, i, i + 1);
    const a = cache.add(key(0), { k: 'a' }, buf, 0, 1);
    const b = cache.add(key(1), { k: 'b' }, buf, 1, 2);
    a.next = b;
    cache.add(key(2), { k: 'c' }, buf, 2, 3); // full: cleared first
    assert.equal(cache.get(key(0), buf, 0, 1), undefined);
    assert.equal(a.next, null);
    assert.ok(!sameKey(b, buf, 1, 2));
    assert.equal(cache.get(key(2), buf, 2, 3)?.labels.k, 'c');
  });
});
