// Access to the raw 64 bits of float64s held in typed arrays. Values that are
// not plain decimals (NaN payloads such as the stale marker, -0, ±Inf,
// subnormals) travel as their two 32-bit halves, never through a JS number,
// so every bit pattern round-trips exactly.

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('sonde storage needs a little-endian platform');
}

/** A Uint32Array over the same memory: element 2i is the low half of value i, 2i+1 the high half. */
export function wordsOf(v: Float64Array): Uint32Array {
  return new Uint32Array(v.buffer, v.byteOffset, v.length * 2);
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** The 64 bits of a JS number (payloads of NaNs held in JS numbers may already be canonical). */
export function bitsOf(x: number): [hi: number, lo: number] {
  f64[0] = x;
  return [u32[1], u32[0]];
}

export function fromBits(hi: number, lo: number): number {
  u32[1] = hi;
  u32[0] = lo;
  return f64[0];
}

/** Leading zero bits of a 64-bit value. */
export function clz64(hi: number, lo: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}

function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

/** Trailing zero bits of a 64-bit value. */
export function ctz64(hi: number, lo: number): number {
  return lo !== 0 ? ctz32(lo) : 32 + ctz32(hi);
}
