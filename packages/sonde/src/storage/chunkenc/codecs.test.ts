// Round-trip properties of every chunk codec: random and adversarial floats
// (NaN payloads incl. the stale marker, -0, ±Inf, subnormals, huge deltas),
// integer runs, timestamps in any order, histograms, and the compressor.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { STALE_NAN } from '../labels.js';
import type { HistogramSample } from '../types.js';
import { BitReader, BitWriter } from './bit-stream.js';
import { decodeHistograms, encodeHistograms } from './chunk-histogram.js';
import { decodeXor, encodeXor } from './chunk-xor.js';
import { pack, unpack } from './compress.js';
import { fromBits, wordsOf } from './float-bits.js';
import { packedSize, readPacked, writePacked } from './bit-pack.js';
import { decodeInts, encodeInts } from './int-series.js';
import { decodeTimestamps, encodeTimestamps } from './timestamps.js';
import { decodeValues, encodeValues } from './values.js';
import { ByteReader, ByteWriter, uvarintSize } from './varint.js';

const RUNS = Number(process.env.SONDE_PROPERTY_RUNS ?? 300);

/** Any float64 bit pattern. */
const anyBits = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }));

const SPECIALS: number[] = [
  0,
  -0,
  Infinity,
  -Infinity,
  Number.NaN,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  2.2250738585072014e-308,
  2.225073858507201e-308, // largest subnormal
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.MAX_SAFE_INTEGER,
  2 ** 50,
  2 ** 50 - 1,
  -(2 ** 50),
  2 ** 53 + 2,
  0.1 + 0.2,
  1e-300,
  1e300,
  123456789.12345679,
  5e-324,
  1e22,
  1e23,
  0.30000000000000004,
];

function valuesFromBits(pairs: [number, number][]): Float64Array {
  const v = new Float64Array(pairs.length);
  const w = wordsOf(v);
  pairs.forEach(([hi, lo], i) => {
    w[2 * i + 1] = hi;
    w[2 * i] = lo;
  });
  return v;
}

function roundTripValues(v: Float64Array): void {
  const w = new ByteWriter();
  w.u8(0xab); // a prefix, so offsets are exercised
  encodeValues(w, v, 0, v.length);
  w.u8(0xcd);
  const bytes = w.finish();
  const r = new ByteReader(bytes, 1);
  const out = new Float64Array(v.length + 3);
  const n = decodeValues(r, out, 2);
  assert.equal(n, v.length);
  assert.equal(bytes[r.pos], 0xcd, 'reader stops exactly after the column');
  const a = wordsOf(v);
  const b = wordsOf(out);
  for (let i = 0; i < v.length; i++) {
    if (a[2 * i] !== b[2 * (i + 2)] || a[2 * i + 1] !== b[2 * (i + 2) + 1]) {
      assert.fail(`value ${i}: ${v[i]} came back as ${out[i + 2]}`);
    }
  }
}

/** Short decimals as monitoring data has them: counters, gauges, percentages. */
const decimalRun = fc
  .record({
    digits: fc.integer({ min: 0, max: 6 }),
    start: fc.integer({ min: -1e9, max: 1e9 }),
    steps: fc.array(fc.integer({ min: -5000, max: 5000 }), { minLength: 1, maxLength: 300 }),
    monotonic: fc.boolean(),
  })
  .map(({ digits, start, steps, monotonic }) => {
    let m = start;
    return Float64Array.from(steps, (s) => {
      m += monotonic ? Math.abs(s) : s;
      return m / 10 ** digits;
    });
  });

describe('varint', () => {
  it('round-trips unsigned integers up to 2^53 and signed up to 2^52', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
        fc.array(fc.integer({ min: -(2 ** 51), max: 2 ** 51 })),
        (us, ss) => {
          const w = new ByteWriter(4);
          for (const u of us) w.uvarint(u);
          for (const s of ss) w.varint(s);
          const r = new ByteReader(w.finish());
          for (const u of us) assert.equal(r.uvarint(), u);
          for (const s of ss) assert.equal(r.varint(), s);
          assert.equal(r.pos, r.end);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('refuses truncated input instead of reading past it', () => {
    const w = new ByteWriter();
    w.uvarint(2 ** 40);
    const bytes = w.finish();
    assert.throws(() => new ByteReader(bytes, 0, bytes.length - 1).uvarint(), RangeError);
  });
});

describe('bit stream', () => {
  it('round-trips fields of 0..32 bits', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 0xffffffff }))),
        (fields) => {
          const w = new BitWriter(1);
          for (const [n, x] of fields) w.write(n === 32 ? x : x & ((2 ** n - 1) >>> 0), n);
          const r = new BitReader(w.finish());
          for (const [n, x] of fields)
            assert.equal(r.read(n), n === 32 ? x >>> 0 : (x & ((2 ** n - 1) >>> 0)) >>> 0);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('XOR chunk', () => {
  it('round-trips every bit pattern', () => {
    fc.assert(
      fc.property(fc.array(anyBits, { maxLength: 200 }), (pairs) => {
        const v = valuesFromBits(pairs);
        const w = new BitWriter();
        encodeXor(w, wordsOf(v), 0, v.length);
        const out = new Float64Array(v.length);
        decodeXor(new BitReader(w.finish()), v.length, wordsOf(out), 0);
        assert.deepEqual(wordsOf(out), wordsOf(v));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('integer runs', () => {
  it('round-trips any integers below 2^50, in any order, with huge deltas', () => {
    const big = 2 ** 50 - 1;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -big, max: big }), { maxLength: 300 }), (xs) => {
        const w = new ByteWriter();
        encodeInts(w, xs, 0, xs.length);
        const out = new Float64Array(xs.length);
        decodeInts(new ByteReader(w.finish()), xs.length, out, 0);
        assert.deepEqual(Array.from(out), xs);
      }),
      { numRuns: RUNS },
    );
  });
  it('round-trips runs of small steps with rare huge jumps (every order, one- and multi-byte varints), scaled', () => {
    const step = fc.oneof(
      { weight: 20, arbitrary: fc.integer({ min: -60, max: 60 }) },
      { weight: 1, arbitrary: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }) },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 45), max: 2 ** 45 }),
        fc.array(step, { maxLength: 400 }),
        (x0, steps) => {
          const xs = [x0];
          for (const s of steps) xs.push(Math.max(-(2 ** 49), Math.min(2 ** 49, xs[xs.length - 1] + s)));
          const w = new ByteWriter();
          encodeInts(w, xs, 0, xs.length);
          const bytes = w.finish();
          const out = new Float64Array(xs.length + 2);
          const r = new ByteReader(bytes);
          decodeInts(r, xs.length, out, 2, 100);
          assert.equal(r.pos, bytes.length);
          assert.deepEqual(
            Array.from(out.subarray(2)),
            xs.map((x) => x / 100),
          );
          assert.throws(() =>
            decodeInts(new ByteReader(bytes.subarray(0, bytes.length - 1)), xs.length, out, 0),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('varints', () => {
  it('size as they are written, up to 2^53', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 2 ** 53 - 1, noNaN: true }).map(Math.floor), (x) => {
        const w = new ByteWriter();
        w.uvarint(x);
        assert.equal(uvarintSize(x), w.pos);
      }),
      { numRuns: RUNS },
    );
    for (let k = 0; k <= 53; k++) {
      for (const x of [2 ** k - 1, 2 ** k]) {
        if (x >= 2 ** 53) continue;
        const w = new ByteWriter();
        w.uvarint(x);
        assert.equal(uvarintSize(x), w.pos, String(x));
      }
    }
  });
});

describe('delta-of-delta runs', () => {
  it('round-trip whatever the spread of their delta-of-deltas (every packed width, fused or not), scaled', () => {
    const run = fc
      .tuple(
        fc.constantFrom(0, 1, 3, 7, 100, 2 ** 20),
        fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 0, max: 400 }),
      )
      .chain(([k, x0, d0, n]) =>
        fc.array(fc.integer({ min: -k, max: k }), { minLength: n, maxLength: n }).map((dd) => {
          const xs = [x0];
          let d = d0;
          for (const r of dd) {
            d += r;
            xs.push(xs[xs.length - 1] + d);
          }
          return xs;
        }),
      );
    fc.assert(
      fc.property(run, fc.constantFrom(1, 1000), (xs, div) => {
        const w = new ByteWriter();
        encodeInts(w, xs, 0, xs.length);
        const out = new Float64Array(xs.length);
        decodeInts(new ByteReader(w.finish()), xs.length, out, 0, div);
        assert.deepEqual(
          Array.from(out),
          xs.map((x) => x / div),
        );
      }),
      { numRuns: RUNS },
    );
  });
});

describe('bit-packed residuals', () => {
  it('round-trips groups of every width, up to 53 bits, and rejects a truncated run', () => {
    // runs whose values all fit a given number of bits, so every group width occurs
    const run = fc
      .integer({ min: 0, max: 53 })
      .chain((bits) =>
        fc.array(
          bits <= 30
            ? fc.integer({ min: 0, max: 2 ** bits - 1 })
            : fc.double({ min: 0, max: 2 ** bits - 1, noNaN: true }).map(Math.floor),
          { maxLength: 300 },
        ),
      );
    fc.assert(
      fc.property(run, fc.integer({ min: 0, max: 3 }), (zs, skip) => {
        const w = new ByteWriter();
        const src = Float64Array.from(zs);
        writePacked(w, src, 0, zs.length);
        const bytes = w.finish();
        assert.equal(bytes.length, packedSize(src, 0, zs.length));
        const out = new Float64Array(zs.length);
        assert.equal(readPacked(bytes, 0, bytes.length, zs.length, out), bytes.length);
        assert.deepEqual(
          Array.from(out),
          zs.map((x) => (x % 2 === 0 ? x / 2 : -(x + 1) / 2)),
        );
        if (bytes.length > skip && zs.some((x) => x > 0))
          assert.throws(() => readPacked(bytes, 0, bytes.length - 1 - skip, zs.length, out));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('timestamps', () => {
  it('round-trips regular, jittered, out-of-order and extreme timestamps', () => {
    const ts = fc.oneof(
      fc.array(fc.integer({ min: -(2 ** 49), max: 2 ** 49 }), { maxLength: 200 }),
      fc
        .tuple(
          fc.integer({ min: 0, max: 2e12 }),
          fc.integer({ min: 1, max: 60_000 }),
          fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 300 }),
        )
        .map(([t0, step, jitter]) => jitter.map((j, i) => t0 + i * step + j)),
    );
    fc.assert(
      fc.property(ts, (t) => {
        const w = new ByteWriter();
        encodeTimestamps(w, t, 0, t.length);
        const out = new Float64Array(t.length);
        assert.equal(decodeTimestamps(new ByteReader(w.finish()), out, 0), t.length);
        assert.deepEqual(Array.from(out), t);
      }),
      { numRuns: RUNS },
    );
  });

  it('takes about a byte per regular sample before compression', () => {
    const t = Array.from({ length: 1000 }, (_, i) => 1.7e12 + i * 1000);
    const w = new ByteWriter();
    encodeTimestamps(w, t, 0, t.length);
    assert.ok(w.pos < 1020, `${w.pos} bytes`);
    assert.ok(pack(w.finish()).length < 40);
  });
});

describe('value columns', () => {
  it('round-trips any bit pattern exactly', () => {
    fc.assert(
      fc.property(fc.array(anyBits, { maxLength: 200 }), (pairs) => roundTripValues(valuesFromBits(pairs))),
      { numRuns: RUNS },
    );
  });

  it('round-trips short decimals, and stores them compactly', () => {
    fc.assert(fc.property(decimalRun, roundTripValues), { numRuns: RUNS });
  });

  it('round-trips decimals mixed with NaN payloads, -0, ±Inf and subnormals', () => {
    const special = fc.oneof(
      fc.constantFrom(...SPECIALS),
      anyBits.map(([hi, lo]) => fromBits((hi | 0x7ff00000) >>> 0, lo | 1)), // NaN payloads
      anyBits.map(([hi, lo]) => fromBits(hi & 0x800fffff, lo)), // subnormals
    );
    fc.assert(
      fc.property(decimalRun, fc.array(fc.tuple(fc.nat(), special), { maxLength: 20 }), (base, spikes) => {
        const v = Float64Array.from(base);
        for (const [i, x] of spikes) v[i % v.length] = x;
        roundTripValues(v);
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps the stale marker bit for bit', () => {
    const v = Float64Array.from([1.5, 2.5, STALE_NAN, 3.5, Number.NaN, -0, 4.5]);
    roundTripValues(v);
    roundTripValues(new Float64Array([STALE_NAN]));
    roundTripValues(new Float64Array([STALE_NAN, STALE_NAN, STALE_NAN]));
  });

  it('round-trips every adversarial value alone, in pairs and in runs', () => {
    for (const a of SPECIALS) {
      roundTripValues(new Float64Array([a]));
      for (const b of SPECIALS) roundTripValues(new Float64Array([a, b, a, b, 1, 2, 3, 4, 5]));
    }
    roundTripValues(new Float64Array(0));
    roundTripValues(Float64Array.from(SPECIALS));
  });

  it('round-trips mantissas at the edge of exactness', () => {
    const edge = [2 ** 50 - 1, -(2 ** 50 - 1), 2 ** 49, 1, 0];
    for (const d of [0, 1, 2, 5, 9, 15, 18]) {
      roundTripValues(Float64Array.from(edge, (m) => m / 10 ** d));
      roundTripValues(Float64Array.from(edge, (m) => m * 10 ** d));
    }
  });

  it('stores a 0.01-step counter in about a byte a sample before compression', () => {
    let c = 123456.78;
    const v = Float64Array.from(
      { length: 1000 },
      (_, i) => (c = Math.round((c + 0.97 + (i % 5) / 100) * 100) / 100),
    );
    const w = new ByteWriter();
    assert.equal(encodeValues(w, v, 0, v.length), 'decimal');
    assert.ok(w.pos < 1100, `${w.pos} bytes`);
    roundTripValues(v);
  });

  it('falls back to XOR for full-precision floats', () => {
    const v = Float64Array.from({ length: 100 }, (_, i) => Math.sin(i) * 1e-3);
    const w = new ByteWriter();
    assert.equal(encodeValues(w, v, 0, v.length), 'xor');
    roundTripValues(v);
  });

  it('rejects corrupt input with an error, never a crash or endless loop', () => {
    const v = Float64Array.from({ length: 50 }, (_, i) => i * 0.25);
    const w = new ByteWriter();
    encodeValues(w, v, 0, v.length);
    const bytes = w.finish();
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (pos, x) => {
        const bad = bytes.slice();
        bad[pos] ^= x;
        try {
          decodeValues(new ByteReader(bad), new Float64Array(64), 0);
        } catch (err) {
          assert.ok(err instanceof RangeError, String(err));
        }
      }),
      { numRuns: RUNS },
    );
  });
});

const bucketRun = fc.record({
  offset: fc.integer({ min: -50, max: 50 }),
  counts: fc.array(fc.oneof(fc.nat(1e6), fc.double({ noNaN: true, min: 0, max: 1e9 })), { maxLength: 20 }),
});

const histogram: fc.Arbitrary<HistogramSample> = fc.record({
  schema: fc.integer({ min: -4, max: 8 }),
  zeroThreshold: fc.constantFrom(0, 2.938735877055719e-39, 1e-9),
  zeroCount: fc.nat(1e9),
  count: fc.oneof(fc.nat(1e12), fc.double()),
  sum: fc.oneof(fc.double(), fc.constantFrom(STALE_NAN, -0, Infinity)),
  positive: bucketRun,
  negative: bucketRun,
});

/** A cumulative histogram series: buckets only grow. */
const cumulative = fc
  .array(fc.array(fc.nat(30), { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 60 })
  .map((steps) => {
    const counts: number[] = [];
    let count = 0;
    let sum = 0;
    return steps.map((inc, i): HistogramSample => {
      inc.forEach((x, j) => {
        counts[j] = (counts[j] ?? 0) + x;
        count += x;
        sum += x * 0.01 * (j + 1);
      });
      return {
        schema: 3,
        zeroThreshold: 2.938735877055719e-39,
        zeroCount: i,
        count,
        sum,
        positive: { offset: -3, counts: counts.slice() },
        negative: { offset: 0, counts: [] },
      };
    });
  });

function sameHistogram(a: HistogramSample, b: HistogramSample): void {
  for (const k of ['schema', 'zeroThreshold', 'zeroCount', 'count', 'sum'] as const) {
    assert.ok(Object.is(a[k], b[k]), `${k}: ${a[k]} vs ${b[k]}`);
  }
  for (const side of ['positive', 'negative'] as const) {
    assert.equal(a[side].offset, b[side].offset);
    assert.equal(a[side].counts.length, b[side].counts.length);
    for (let i = 0; i < a[side].counts.length; i++) {
      assert.ok(Object.is(a[side].counts[i], b[side].counts[i]), `${side}[${i}]`);
    }
  }
}

describe('histogram chunk', () => {
  it('round-trips arbitrary and cumulative histogram samples', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(histogram, { maxLength: 30 }), cumulative), (hs) => {
        const w = new ByteWriter();
        encodeHistograms(w, hs, 0, hs.length);
        const back = decodeHistograms(new ByteReader(w.finish()));
        assert.equal(back.length, hs.length);
        for (let i = 0; i < hs.length; i++) sameHistogram(hs[i], back[i]);
      }),
      { numRuns: RUNS },
    );
  });

  it('stores a cumulative latency histogram compactly', () => {
    const hs = fc.sample(cumulative, { numRuns: 1, seed: 7 })[0];
    const w = new ByteWriter();
    encodeHistograms(w, hs, 0, hs.length);
    const buckets = hs.reduce((n, h) => n + h.positive.counts.length, 0);
    assert.ok(w.pos < buckets * 2 + hs.length * 6 + 64, `${w.pos} bytes for ${buckets} buckets`);
  });
});

describe('compressor', () => {
  it('round-trips anything, compressing only when it pays', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (raw) => {
        const p = pack(raw);
        assert.ok(p.length <= raw.length + 1);
        assert.deepEqual(Buffer.from(unpack(p)), Buffer.from(raw));
      }),
      { numRuns: RUNS },
    );
    const zeros = new Uint8Array(5000);
    assert.ok(pack(zeros).length < 50);
    assert.deepEqual(unpack(pack(zeros)), Buffer.from(zeros));
  });

  it('keeps the fastest-to-read encoding within a third of the smallest stored form', () => {
    const random = Uint8Array.from({ length: 3000 }, (_, i) => (i * 2654435761) >>> 24);
    const repeats = new Uint8Array(6000).fill(3);
    // the first (faster) encoding is far larger even deflated: the second, deflated, is kept
    let p = pack([random, repeats]);
    assert.deepEqual(Buffer.from(unpack(p)), Buffer.from(repeats));
    assert.ok(p.length < 100);
    // within a third of the smallest: the first is kept, and raw when that is within a third too
    const a = random.subarray(0, 1000);
    const b = random.subarray(0, 900);
    p = pack([a, b]);
    assert.equal(p[0], 0, 'stored raw');
    assert.deepEqual(Buffer.from(unpack(p)), Buffer.from(a));
  });

  it('reports corrupt compressed data as an error', () => {
    const p = pack(new Uint8Array(1000).fill(7));
    p[7] ^= 0xff;
    assert.throws(() => unpack(p));
  });
});
