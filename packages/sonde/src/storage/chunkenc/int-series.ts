// A run of integers (timestamps, decimal mantissas) stored as the first value
// then deltas (order 1) or delta-of-deltas (order 2), each zigzag + varint;
// the order that takes fewer bytes is picked per run. Values must satisfy
// |x| < 2^50 so deltas of deltas stay exact in float64 arithmetic.
import { type ByteReader, type ByteWriter, uvarintSize, zigzag } from './varint.js';

export const MAX_INT_MAGNITUDE = 2 ** 50;

type Ints = ArrayLike<number>;

/** Bytes the residuals of each order would take (order 0 = raw values). */
function costs(xs: Ints, from: number, to: number): [number, number, number] {
  let c0 = 0;
  let c1 = 0;
  let c2 = 0;
  let prev = 0;
  let prevD = 0;
  for (let i = from; i < to; i++) {
    const x = xs[i];
    c0 += uvarintSize(zigzag(x));
    if (i > from) {
      const d = x - prev;
      c1 += uvarintSize(zigzag(d));
      c2 += i > from + 1 ? uvarintSize(zigzag(d - prevD)) : uvarintSize(zigzag(d));
      prevD = d;
    } else {
      c1 += uvarintSize(zigzag(x));
      c2 += uvarintSize(zigzag(x));
    }
    prev = x;
  }
  return [c0, c1, c2];
}

/** Writes xs[from..to) (the count is kept by the caller). */
export function encodeInts(w: ByteWriter, xs: Ints, from: number, to: number): void {
  const [c0, c1, c2] = costs(xs, from, to);
  const order = c2 < c1 && c2 < c0 ? 2 : c1 < c0 ? 1 : 0;
  w.u8(order);
  w.ensure((to - from) * 8 + 8);
  let prev = 0;
  let prevD = 0;
  for (let i = from; i < to; i++) {
    const x = xs[i];
    if (order === 0 || i === from) w.varint(x);
    else {
      const d = x - prev;
      w.varint(order === 2 && i > from + 1 ? d - prevD : d);
      prevD = d;
    }
    prev = x;
  }
}

/**
 * Reads n integers into out[at..at+n), advancing the reader past them; with a
 * scale, stores x / 10^k (scale > 0) or x · 10^-k (scale < 0) instead, in the same pass.
 */
export function decodeInts(
  r: ByteReader,
  n: number,
  out: Float64Array | number[],
  at: number,
  divide = 1,
  multiply = 1,
): void {
  const order = r.u8();
  if (order > 2) throw new RangeError(`corrupt integer run (order ${order})`);
  const b = r.buf;
  const end = r.end;
  let p = r.pos;
  let prev = 0;
  let d = 0;
  for (let i = 0; i < n; i++) {
    // inline uvarint + unzigzag
    let z = 0;
    let shift = 0;
    for (;;) {
      if (p >= end) throw new RangeError('truncated integer run');
      const c = b[p++];
      if (shift < 28) z |= (c & 0x7f) << shift;
      else z += (c & 0x7f) * 2 ** shift;
      if (c < 0x80) break;
      shift += 7;
      if (shift > 56) throw new RangeError('corrupt varint');
    }
    if (shift < 28) z >>>= 0;
    const v = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    let x: number;
    if (order === 0 || i === 0) x = v;
    else if (order === 1 || i === 1) {
      d = v;
      x = prev + d;
    } else {
      d += v;
      x = prev + d;
    }
    out[at + i] = divide !== 1 ? x / divide : multiply !== 1 ? x * multiply : x;
    prev = x;
  }
  r.pos = p;
}
