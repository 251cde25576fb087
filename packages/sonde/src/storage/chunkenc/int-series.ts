// A run of integers (timestamps, decimal mantissas) stored as the first value
// then deltas (order 1) or delta-of-deltas (order 2), each zigzag + varint;
// the order that takes fewer bytes is picked per run. Values must satisfy
// |x| < 2^50 so deltas of deltas stay exact in float64 arithmetic.
//
// The order byte is 0-2 for varint residuals and 3-5 (PACKED + order) for
// bit-packed ones (bit-pack.ts: the first `order` values still as varints),
// chosen when that is smaller. Runs written before packing existed only hold
// orders 0-2 and read as they always did.
import { GROUP, dod, packedSize, readPacked, readPackedDod, writePacked } from './bit-pack.js';
import { type ByteReader, type ByteWriter, uvarintSize, zigzag } from './varint.js';

const PACKED = 3;

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

let zScratch = new Float64Array(256);

/** The zigzagged residuals of xs[from..to) at an order, into zScratch[0..n). */
function residuals(xs: Ints, from: number, to: number, order: number): Float64Array {
  if (zScratch.length < to - from) zScratch = new Float64Array((to - from) * 2);
  const zs = zScratch;
  let prev = 0;
  let prevD = 0;
  for (let i = from; i < to; i++) {
    const x = xs[i];
    let r = x;
    if (order > 0 && i > from) {
      const d = x - prev;
      r = order === 2 && i > from + 1 ? d - prevD : d;
      prevD = d;
    }
    zs[i - from] = zigzag(r);
    prev = x;
  }
  return zs;
}

let packing = true;
let packedRuns = 0;

/** Runs `encode` with varint runs only (the other encoding a block column may be stored in). */
export function varintsOnly<T>(encode: () => T): T {
  packing = false;
  try {
    return encode();
  } finally {
    packing = true;
  }
}

/**
 * A column's encodings, written by `encode` into `w`: with bit-packed runs
 * where they are smaller, and, when that used any, with varints only too
 * (block columns keep whichever stores best, compress.ts: packed runs read
 * faster, varints sometimes deflate far smaller).
 */
export function columnEncodings(w: ByteWriter, encode: () => void): Uint8Array | Uint8Array[] {
  const before = packedRuns;
  w.reset();
  encode();
  const packed = w.finish();
  if (packedRuns === before) return packed;
  w.reset();
  varintsOnly(encode);
  return [packed, w.finish()];
}

/** Writes xs[from..to) (the count is kept by the caller). */
export function encodeInts(w: ByteWriter, xs: Ints, from: number, to: number): void {
  const [c0, c1, c2] = costs(xs, from, to);
  const order = c2 < c1 && c2 < c0 ? 2 : c1 < c0 ? 1 : 0;
  const n = to - from;
  const heads = Math.min(order, n);
  if (packing && n - heads >= GROUP / 4) {
    const zs = residuals(xs, from, to, order);
    let size = packedSize(zs, heads, n);
    for (let k = 0; k < heads; k++) size += uvarintSize(zs[k]);
    if (size < (order === 2 ? c2 : order === 1 ? c1 : c0)) {
      packedRuns++;
      w.u8(PACKED + order);
      for (let k = 0; k < heads; k++) w.uvarint(zs[k]);
      writePacked(w, zs, heads, n);
      return;
    }
  }
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
 * scale, stores x / 10^k (divide) or x · 10^-k (multiply) instead. The
 * integers are decoded by one loop per order (no per-value branch on it),
 * one-byte varints on a fast path, the division in the same loop.
 */
export function decodeInts(
  r: ByteReader,
  n: number,
  out: Float64Array,
  at: number,
  divide = 1,
  multiply = 1,
): void {
  const order = r.u8();
  if (order > PACKED + 2) throw new RangeError(`corrupt integer run (order ${order})`);
  if (at + n > out.length) throw new RangeError('integer run longer than its output');
  let p: number;
  // x / 1 is x exactly, so the division rides along in the loop (no second pass over the output)
  if (order >= PACKED) p = readPackedRun(r.buf, r.pos, r.end, n, out, at, divide, order - PACKED);
  else if (order === 2) p = readOrder2(r.buf, r.pos, r.end, n, out, at, divide);
  else if (order === 1) p = readOrder1(r.buf, r.pos, r.end, n, out, at, divide);
  else p = readOrder0(r.buf, r.pos, r.end, n, out, at, divide);
  r.pos = p;
  if (multiply !== 1) for (let i = at, to = at + n; i < to; i++) out[i] *= multiply;
}

/** Scratch for the multi-byte varint path: the value read and the position after it. */
let slowValue = 0;

/** Reads a zigzag varint whose first byte (c0, ≥ 0x80) is already read; sets slowValue, returns the next position. */
function readSlow(b: Uint8Array, p: number, end: number, c0: number): number {
  let z = c0 & 0x7f;
  let shift = 7;
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
  slowValue = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  return p;
}

function readOrder0(
  b: Uint8Array,
  p: number,
  end: number,
  n: number,
  out: Float64Array,
  at: number,
  div: number,
): number {
  for (let i = at, to = at + n; i < to; i++) {
    if (p >= end) throw new RangeError('truncated integer run');
    const c = b[p++];
    if (c < 0x80) out[i] = ((c >>> 1) ^ -(c & 1)) / div;
    else {
      p = readSlow(b, p, end, c);
      out[i] = slowValue / div;
    }
  }
  return p;
}

function readOrder1(
  b: Uint8Array,
  p: number,
  end: number,
  n: number,
  out: Float64Array,
  at: number,
  div: number,
): number {
  let x = 0;
  for (let i = at, to = at + n; i < to; i++) {
    if (p >= end) throw new RangeError('truncated integer run');
    const c = b[p++];
    if (c < 0x80) x += (c >>> 1) ^ -(c & 1);
    else {
      p = readSlow(b, p, end, c);
      x += slowValue;
    }
    out[i] = x / div;
  }
  return p;
}

function readOrder2(
  b: Uint8Array,
  p: number,
  end: number,
  n: number,
  out: Float64Array,
  at: number,
  div: number,
): number {
  if (n === 0) return p;
  // the first value and the first delta are stored as they are, then delta-of-deltas
  let x = 0;
  let d = 0;
  for (let i = at, to = at + Math.min(n, 2); i < to; i++) {
    if (p >= end) throw new RangeError('truncated integer run');
    const c = b[p++];
    let v: number;
    if (c < 0x80) v = (c >>> 1) ^ -(c & 1);
    else {
      p = readSlow(b, p, end, c);
      v = slowValue;
    }
    if (i === at) x = v;
    else {
      d = v;
      x += d;
    }
    out[i] = x / div;
  }
  for (let i = at + 2, to = at + n; i < to; i++) {
    if (p >= end) throw new RangeError('truncated integer run');
    const c = b[p++];
    if (c < 0x80) d += (c >>> 1) ^ -(c & 1);
    else {
      p = readSlow(b, p, end, c);
      d += slowValue;
    }
    x += d;
    out[i] = x / div;
  }
  return p;
}

/** Residuals of a packed run (orders 0 and 1), one group of them for order 2. */
let rScratch = new Float64Array(256);

/** A bit-packed run: the first `order` values as varints, the other residuals packed. */
function readPackedRun(
  b: Uint8Array,
  p: number,
  end: number,
  n: number,
  out: Float64Array,
  at: number,
  div: number,
  order: number,
): number {
  let x = 0;
  let d = 0;
  const heads = Math.min(order, n);
  for (let k = 0; k < heads; k++) {
    if (p >= end) throw new RangeError('truncated integer run');
    const c = b[p++];
    let v: number;
    if (c < 0x80) v = (c >>> 1) ^ -(c & 1);
    else {
      p = readSlow(b, p, end, c);
      v = slowValue;
    }
    if (k === 0) x = v;
    else {
      d = v;
      x += d;
    }
    out[at + k] = x / div;
  }
  const m = n - heads;
  const base = at + heads;
  if (order === 2) {
    dod.x = x;
    dod.d = d;
    return readPackedDod(b, p, end, m, out, base, div, rScratch);
  }
  if (rScratch.length < m) rScratch = new Float64Array(m * 2);
  const rs = rScratch;
  p = readPacked(b, p, end, m, rs);
  if (order === 0) for (let i = 0; i < m; i++) out[base + i] = rs[i] / div;
  else if (order === 1) {
    for (let i = 0; i < m; i++) {
      x += rs[i];
      out[base + i] = x / div;
    }
  }
  return p;
}
