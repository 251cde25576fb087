// The Gorilla XOR float encoding (as in Prometheus's tsdb/chunkenc/xor.go):
// the first value raw, then each value XORed with the previous one, storing
// only the meaningful bits, reusing the previous leading/trailing window when
// it fits. It is the fallback for values that are not short decimals. Works
// on raw 32-bit halves throughout, so every bit pattern survives.
import type { BitReader, BitWriter } from './bit-stream.js';
import { clz64, ctz64 } from './float-bits.js';

/** Encodes words[2*from .. 2*to) (lo, hi pairs) into a bit stream. */
export function encodeXor(w: BitWriter, words: Uint32Array, from: number, to: number): void {
  if (to <= from) return;
  let prevHi = words[2 * from + 1];
  let prevLo = words[2 * from];
  w.write(prevHi, 32);
  w.write(prevLo, 32);
  let lead = -1;
  let trail = 0;
  for (let i = from + 1; i < to; i++) {
    const hi = words[2 * i + 1];
    const lo = words[2 * i];
    const xh = (hi ^ prevHi) >>> 0;
    const xl = (lo ^ prevLo) >>> 0;
    prevHi = hi;
    prevLo = lo;
    if (xh === 0 && xl === 0) {
      w.writeBit(0);
      continue;
    }
    w.writeBit(1);
    let lz = clz64(xh, xl);
    const tz = ctz64(xh, xl);
    if (lz > 31) lz = 31;
    if (lead >= 0 && lz >= lead && tz >= trail) {
      w.writeBit(0);
      writeShifted(w, xh, xl, trail, 64 - lead - trail);
    } else {
      lead = lz;
      trail = tz;
      const sig = 64 - lz - tz;
      w.writeBit(1);
      w.write(lz, 5);
      w.write(sig & 63, 6); // 64 significant bits are written as 0
      writeShifted(w, xh, xl, tz, sig);
    }
  }
}

/** Writes the `sig` bits of (hi:lo) >>> shift. */
function writeShifted(w: BitWriter, hi: number, lo: number, shift: number, sig: number): void {
  let sh: number;
  let sl: number;
  if (shift === 0) {
    sh = hi;
    sl = lo;
  } else if (shift < 32) {
    sl = ((lo >>> shift) | (hi << (32 - shift))) >>> 0;
    sh = hi >>> shift;
  } else {
    sl = hi >>> (shift - 32);
    sh = 0;
  }
  if (sig > 32) {
    w.write(sh, sig - 32);
    w.write(sl, 32);
  } else {
    w.write(sl, sig);
  }
}

/** Decodes n values into out[2*from ..] (lo, hi pairs). */
export function decodeXor(r: BitReader, n: number, out: Uint32Array, from: number): void {
  if (n <= 0) return;
  let hi = r.read(32);
  let lo = r.read(32);
  out[2 * from + 1] = hi;
  out[2 * from] = lo;
  let lead = 0;
  let trail = 0;
  for (let i = from + 1; i < from + n; i++) {
    if (r.readBit() === 1) {
      let sig: number;
      if (r.readBit() === 1) {
        lead = r.read(5);
        sig = r.read(6);
        if (sig === 0) sig = 64;
        trail = 64 - lead - sig;
      } else {
        sig = 64 - lead - trail;
      }
      let sh = 0;
      let sl: number;
      if (sig > 32) {
        sh = r.read(sig - 32);
        sl = r.read(32);
      } else {
        sl = r.read(sig);
      }
      let xh: number;
      let xl: number;
      if (trail === 0) {
        xh = sh;
        xl = sl;
      } else if (trail < 32) {
        xh = ((sh << trail) | (sl >>> (32 - trail))) >>> 0;
        xl = (sl << trail) >>> 0;
      } else {
        xh = (sl << (trail - 32)) >>> 0;
        xl = 0;
      }
      hi = (hi ^ xh) >>> 0;
      lo = (lo ^ xl) >>> 0;
    }
    out[2 * i + 1] = hi;
    out[2 * i] = lo;
  }
}
