import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { WriteRequestType } from '../ingest/index.js';
import { STALE_NAN, isStaleNaN } from '../storage/index.js';
import { encodeWriteRequest, type SeriesBatch } from './write-request-encoder.js';

interface Decoded {
  timeseries: {
    labels: { name: string; value: string }[];
    samples: { value: number; timestamp: number }[];
  }[];
}

function decode(buf: Buffer): Decoded {
  return WriteRequestType.toObject(WriteRequestType.decode(buf), {
    longs: Number,
    defaults: true,
  }) as Decoded;
}

describe('encodeWriteRequest', () => {
  it('round-trips through the reference protobuf decoder (property)', () => {
    const seriesArb = fc.record({
      labels: fc.dictionary(
        fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/),
        fc.string({ minLength: 1, maxLength: 10 }),
        {
          minKeys: 1,
          maxKeys: 5,
        },
      ),
      samples: fc.array(fc.tuple(fc.integer({ min: -1e12, max: 2 ** 50 }), fc.double({ noNaN: true })), {
        maxLength: 8,
      }),
    });
    fc.assert(
      fc.property(fc.array(seriesArb, { maxLength: 6 }), (input) => {
        const batches: SeriesBatch[] = input.map((s) => ({
          labels: s.labels,
          t: s.samples.map(([t]) => t),
          v: Float64Array.from(s.samples.map(([, v]) => v)),
        }));
        const got = decode(encodeWriteRequest(batches));
        assert.equal(got.timeseries.length, batches.length);
        got.timeseries.forEach((ts, i) => {
          const names = Object.keys(batches[i].labels).sort();
          assert.deepEqual(
            ts.labels.map((l) => l.name),
            names,
          );
          assert.deepEqual(
            ts.labels.map((l) => l.value),
            names.map((n) => batches[i].labels[n]),
          );
          assert.deepEqual(
            ts.samples.map((s) => s.timestamp),
            Array.from(batches[i].t),
          );
          ts.samples.forEach((s, j) => {
            assert.ok(Object.is(s.value, batches[i].v[j]));
          });
        });
      }),
    );
  });

  it('keeps the stale marker bit pattern and unicode label values', () => {
    const v = new Float64Array([STALE_NAN, 1.5]);
    const buf = encodeWriteRequest([{ labels: { __name__: 'up', job: 'ünï' }, t: [1, 2], v }]);
    const at = buf.indexOf(0x09) + 1;
    assert.deepEqual(
      [...buf.subarray(at, at + 8)],
      [0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f],
      'Prometheus StaleNaN bits exactly',
    );
    assert.ok(isStaleNaN(buf.readDoubleLE(at)));
    assert.equal(decode(buf).timeseries[0].labels[1].value, 'ünï');
  });
});
