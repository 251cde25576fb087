// Bit-packed residuals: groups of up to 64 zigzagged integers, each group a
// width byte then every value in that many bits (least significant first),
// padded to a whole byte. Monitoring deltas and delta-of-deltas are small and
// alike within a group, so this takes about half the bytes of one varint
// each, and unpacks without a branch per byte; DEFLATE over it then has half
// as many bytes to inflate on read (int-series.ts picks it when it is smaller).
import type { ByteWriter } from './varint.js';

export const GROUP = 64;
/** Zigzagged residuals stay below 2^53 (|x| < 2^50, so delta-of-deltas < 2^52). */
const MAX_WIDTH = 53;

function widthOf(m: number): number {
  if (m < 2 ** 31) return 32 - Math.clz32(m);
  let w = 31;
  while (w < MAX_WIDTH && 2 ** w <= m) w++;
  return w;
}

/**
 * A group's width: the bits of its largest value, rounded up to 1, 2, 4 or 8
 * (values then never straddle a byte and unpack by a loop per width, over
 * twice as fast; DEFLATE takes back most of the padding).
 */
function groupWidth(zs: Float64Array, from: number, to: number): number {
  let m = 0;
  for (let i = from; i < to; i++) if (zs[i] > m) m = zs[i];
  const w = widthOf(m);
  return w <= 2 ? w : w <= 4 ? 4 : w <= 8 ? 8 : w;
}

/** Bytes `writePacked` takes for zs[from..to). */
export function packedSize(zs: Float64Array, from: number, to: number): number {
  let n = 0;
  for (let g = from; g < to; g += GROUP) {
    const e = Math.min(to, g + GROUP);
    n += 1 + Math.ceil(((e - g) * groupWidth(zs, g, e)) / 8);
  }
  return n;
}

/** Writes zigzagged values zs[from..to) (each an integer 0 ≤ z < 2^53). */
export function writePacked(w: ByteWriter, zs: Float64Array, from: number, to: number): void {
  for (let g = from; g < to; g += GROUP) {
    const e = Math.min(to, g + GROUP);
    const width = groupWidth(zs, g, e);
    w.ensure(1 + Math.ceil(((e - g) * width) / 8));
    const b = w.buf;
    let p = w.pos;
    b[p++] = width;
    if (width <= 24) {
      let acc = 0;
      let bits = 0;
      for (let i = g; i < e; i++) {
        acc |= zs[i] << bits;
        bits += width;
        while (bits >= 8) {
          b[p++] = acc & 0xff;
          acc >>>= 8;
          bits -= 8;
        }
      }
      if (bits > 0) b[p++] = acc;
    } else {
      // wide values through float arithmetic, one byte at a time
      const start = p;
      const bytes = Math.ceil(((e - g) * width) / 8);
      b.fill(0, start, start + bytes);
      let pos = 0;
      for (let i = g; i < e; i++) {
        let z = zs[i];
        for (let left = width; left > 0; ) {
          const off = pos & 7;
          const take = Math.min(8 - off, left);
          const part = z % 2 ** take;
          b[start + (pos >>> 3)] |= part << off;
          z = (z - part) / 2 ** take;
          pos += take;
          left -= take;
        }
      }
      p = start + bytes;
    }
    w.pos = p;
  }
}

/** Unpacks `count` values into out[0..count) as signed integers (zigzag undone); returns the position after them. */
export function readPacked(b: Uint8Array, p: number, end: number, count: number, out: Float64Array): number {
  for (let g = 0; g < count; g += GROUP) {
    const e = Math.min(count, g + GROUP);
    if (p >= end) throw new RangeError('truncated packed run');
    const width = b[p++];
    const bytes = Math.ceil(((e - g) * width) / 8);
    if (width > MAX_WIDTH || p + bytes > end) throw new RangeError('corrupt packed run');
    if (width === 0) out.fill(0, g, e);
    else if (width === 1 || width === 2 || width === 4 || width === 8) {
      unpackByteAligned(b, p, out, g, e - g, width);
      p += bytes;
    } else if (width <= 17) {
      // each value from the (at most) three bytes holding its bits: no carried state, no branch per byte
      const mask = (1 << width) - 1;
      const last = p + bytes - 1;
      let bit = 0;
      for (let i = g; i < e; i++, bit += width) {
        const at = p + (bit >>> 3);
        const word = at + 2 <= last ? b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) : tail(b, at, last);
        const z = (word >>> (bit & 7)) & mask;
        out[i] = (z >>> 1) ^ -(z & 1);
      }
      p += bytes;
    } else if (width <= 24) {
      // reads exactly `bytes` bytes: one whenever fewer bits are held than the next value needs
      const mask = width === 24 ? 0xffffff : (1 << width) - 1;
      let acc = 0;
      let bits = 0;
      for (let i = g; i < e; i++) {
        while (bits < width) {
          acc |= b[p++] << bits;
          bits += 8;
        }
        const z = acc & mask;
        acc >>>= width;
        bits -= width;
        out[i] = (z >>> 1) ^ -(z & 1);
      }
    } else {
      let pos = 0;
      for (let i = g; i < e; i++) {
        let z = 0;
        let got = 0;
        while (got < width) {
          const off = pos & 7;
          const take = Math.min(8 - off, width - got);
          z += ((b[p + (pos >>> 3)] >>> off) & ((1 << take) - 1)) * 2 ** got;
          got += take;
          pos += take;
        }
        out[i] = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      }
      p += bytes;
    }
  }
  return p;
}

/** The bytes at..last (fewer than three) as one little-endian word. */
function tail(b: Uint8Array, at: number, last: number): number {
  let word = 0;
  for (let k = 0; at + k <= last; k++) word |= b[at + k] << (8 * k);
  return word;
}

/** Unpacks `count` values of 1, 2, 4 or 8 bits from b[p..] into out[at..]: whole bytes, then the rest of the last. */
function unpackByteAligned(
  b: Uint8Array,
  p: number,
  out: Float64Array,
  at: number,
  count: number,
  width: number,
): void {
  const per = 8 / width;
  const whole = Math.floor(count / per);
  let i = at;
  if (width === 4) {
    for (let j = p, end = p + whole; j < end; j++) {
      const c = b[j];
      const lo = c & 15;
      const hi = c >>> 4;
      out[i] = (lo >>> 1) ^ -(lo & 1);
      out[i + 1] = (hi >>> 1) ^ -(hi & 1);
      i += 2;
    }
  } else if (width === 8) {
    for (let j = p, end = p + whole; j < end; j++) {
      const z = b[j];
      out[i++] = (z >>> 1) ^ -(z & 1);
    }
  } else if (width === 2) {
    for (let j = p, end = p + whole; j < end; j++) {
      const c = b[j];
      for (let k = 0; k < 8; k += 2) {
        const z = (c >>> k) & 3;
        out[i++] = (z >>> 1) ^ -(z & 1);
      }
    }
  } else {
    for (let j = p, end = p + whole; j < end; j++) {
      const c = b[j];
      for (let k = 0; k < 8; k++) out[i++] = -((c >>> k) & 1) | 0; // | 0: never -0
    }
  }
  const mask = (1 << width) - 1;
  for (let k = 0, c = b[p + whole]; i < at + count; i++, k += width) {
    const z = (c >>> k) & mask;
    out[i] = (z >>> 1) ^ -(z & 1);
  }
}
