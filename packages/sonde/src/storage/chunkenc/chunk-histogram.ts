// A run of exponential-bucket histogram samples, columnar: schema, zero
// threshold, zero count, count and sum each as a column (constant, decimal or
// XOR, see values.ts); bucket layouts (offset, length) as integer runs; and
// the bucket counts of each sample as differences from the same bucket of the
// previous sample, which for cumulative histograms are small integers.
import type { BucketRun, HistogramSample } from '../types.js';
import { MAX_INT_MAGNITUDE, decodeInts, encodeInts } from './int-series.js';
import { decodeValues, encodeValues } from './values.js';
import type { ByteReader, ByteWriter } from './varint.js';

const INT_COUNTS = 0;
const FLOAT_COUNTS = 1;

function column(hs: readonly HistogramSample[], from: number, to: number, f: (h: HistogramSample) => number) {
  const out = new Float64Array(to - from);
  for (let i = from; i < to; i++) out[i - from] = f(hs[i]);
  return out;
}

function encodeBuckets(w: ByteWriter, runs: readonly BucketRun[]): void {
  const n = runs.length;
  const offsets = new Float64Array(n);
  const lengths = new Float64Array(n);
  let total = 0;
  let ints = true;
  for (let i = 0; i < n; i++) {
    offsets[i] = runs[i].offset;
    lengths[i] = runs[i].counts.length;
    total += runs[i].counts.length;
    for (const c of runs[i].counts)
      if (!Number.isInteger(c) || Math.abs(c) >= MAX_INT_MAGNITUDE / 4) ints = false;
  }
  encodeInts(w, offsets, 0, n);
  encodeInts(w, lengths, 0, n);
  const flat = new Float64Array(total);
  let k = 0;
  if (ints) {
    // each count minus the previous sample's count for the same bucket index
    for (let i = 0; i < n; i++) {
      const { offset, counts } = runs[i];
      const prev = i > 0 ? runs[i - 1] : undefined;
      for (let j = 0; j < counts.length; j++) {
        const pj = prev ? offset + j - prev.offset : -1;
        const before = prev && pj >= 0 && pj < prev.counts.length ? prev.counts[pj] : 0;
        flat[k++] = counts[j] - before;
      }
    }
    w.u8(INT_COUNTS);
    encodeInts(w, flat, 0, total);
  } else {
    for (const run of runs) for (const c of run.counts) flat[k++] = c;
    w.u8(FLOAT_COUNTS);
    encodeValues(w, flat, 0, total);
  }
}

function decodeBuckets(r: ByteReader, n: number): BucketRun[] {
  const offsets = new Float64Array(n);
  const lengths = new Float64Array(n);
  decodeInts(r, n, offsets, 0);
  decodeInts(r, n, lengths, 0);
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (lengths[i] < 0 || lengths[i] > 1 << 20) throw new RangeError('corrupt bucket layout');
    total += lengths[i];
  }
  const mode = r.u8();
  const flat = new Float64Array(total);
  if (mode === INT_COUNTS) decodeInts(r, total, flat, 0);
  else if (mode === FLOAT_COUNTS) {
    if (decodeValues(r, flat, 0) !== total) throw new RangeError('corrupt bucket counts');
  } else throw new RangeError(`corrupt bucket mode ${mode}`);
  const runs: BucketRun[] = [];
  let k = 0;
  for (let i = 0; i < n; i++) {
    const offset = offsets[i];
    const counts = new Array<number>(lengths[i]);
    const prev = i > 0 ? runs[i - 1] : undefined;
    for (let j = 0; j < counts.length; j++) {
      let c = flat[k++];
      if (mode === INT_COUNTS && prev) {
        const pj = offset + j - prev.offset;
        if (pj >= 0 && pj < prev.counts.length) c += prev.counts[pj];
      }
      counts[j] = c;
    }
    runs.push({ offset, counts });
  }
  return runs;
}

export function encodeHistograms(
  w: ByteWriter,
  hs: readonly HistogramSample[],
  from: number,
  to: number,
): void {
  const n = to - from;
  w.uvarint(n);
  encodeInts(
    w,
    column(hs, from, to, (h) => h.schema),
    0,
    n,
  );
  encodeValues(
    w,
    column(hs, from, to, (h) => h.zeroThreshold),
    0,
    n,
  );
  encodeValues(
    w,
    column(hs, from, to, (h) => h.zeroCount),
    0,
    n,
  );
  encodeValues(
    w,
    column(hs, from, to, (h) => h.count),
    0,
    n,
  );
  encodeValues(
    w,
    column(hs, from, to, (h) => h.sum),
    0,
    n,
  );
  encodeBuckets(
    w,
    hs.slice(from, to).map((h) => h.positive),
  );
  encodeBuckets(
    w,
    hs.slice(from, to).map((h) => h.negative),
  );
}

const NONE = new Float64Array(0);

export function decodeHistograms(r: ByteReader): HistogramSample[] {
  const n = r.uvarint();
  if (n > 1 << 24) throw new RangeError('corrupt histogram run');
  if (n === 0) {
    // most series have none (every checkpointed series carries an empty run): read past it, allocate nothing
    decodeInts(r, 0, NONE, 0);
    for (let k = 0; k < 4; k++) decodeValues(r, NONE, 0);
    decodeBuckets(r, 0);
    decodeBuckets(r, 0);
    return [];
  }
  const schema = new Float64Array(n);
  decodeInts(r, n, schema, 0);
  const cols = [0, 1, 2, 3].map(() => {
    const c = new Float64Array(n);
    if (decodeValues(r, c, 0) !== n) throw new RangeError('corrupt histogram column');
    return c;
  });
  const [zt, zc, count, sum] = cols;
  const pos = decodeBuckets(r, n);
  const neg = decodeBuckets(r, n);
  const out: HistogramSample[] = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = {
      schema: schema[i],
      zeroThreshold: zt[i],
      zeroCount: zc[i],
      count: count[i],
      sum: sum[i],
      positive: pos[i],
      negative: neg[i],
    };
  }
  return out;
}
