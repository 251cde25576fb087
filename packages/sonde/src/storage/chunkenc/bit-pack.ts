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

/** The width byte of the group at b[p] and its byte count, checked against `end`. */
function groupHead(b: Uint8Array, p: number, end: number, count: number): number {
  if (p >= end) throw new RangeError('truncated packed run');
  const width = b[p];
  if (width > MAX_WIDTH || p + 1 + Math.ceil((count * width) / 8) > end)
    throw new RangeError('corrupt packed run');
  return width;
}

/** Unpacks `count` values into out[0..count) as signed integers (zigzag undone); returns the position after them. */
export function readPacked(b: Uint8Array, p: number, end: number, count: number, out: Float64Array): number {
  for (let g = 0; g < count; g += GROUP) {
    const n = Math.min(GROUP, count - g);
    const width = groupHead(b, p, end, n);
    unpackGroup(b, p + 1, n, width, out, g);
    p += 1 + Math.ceil((n * width) / 8);
  }
  return p;
}

/** Running value and delta carried across calls of `readPackedDod`. */
export const dod = { x: 0, d: 0 };

/**
 * Delta-of-deltas straight into values: per residual r, d += r, x += d and
 * out = x / div, in the unpacking loop itself for the common widths (0 for
 * regular timestamps, 4 and 8), through `scratch` for the others. Starts from
 * and leaves the running state in `dod`.
 */
export function readPackedDod(
  b: Uint8Array,
  p: number,
  end: number,
  count: number,
  out: Float64Array,
  at: number,
  div: number,
  scratch: Float64Array,
): number {
  let x = dod.x;
  let d = dod.d;
  for (let g = 0; g < count; g += GROUP) {
    const n = Math.min(GROUP, count - g);
    const width = groupHead(b, p, end, n);
    p++;
    const bytes = Math.ceil((n * width) / 8);
    let i = at + g;
    if (width === 0) {
      for (const e = i + n; i < e; i++) {
        x += d;
        out[i] = x / div;
      }
    } else if (width === 4 && (n & 1) === 0) {
      for (let j = p, e = p + bytes; j < e; j++) {
        const c = b[j];
        const lo = c & 15;
        d += (lo >>> 1) ^ -(lo & 1);
        x += d;
        out[i] = x / div;
        const hi = c >>> 4;
        d += (hi >>> 1) ^ -(hi & 1);
        x += d;
        out[i + 1] = x / div;
        i += 2;
      }
    } else if (width === 8) {
      for (let j = p, e = p + bytes; j < e; j++) {
        const z = b[j];
        d += (z >>> 1) ^ -(z & 1);
        x += d;
        out[i++] = x / div;
      }
    } else {
      unpackGroup(b, p, n, width, scratch, 0);
      for (let k = 0; k < n; k++) {
        d += scratch[k];
        x += d;
        out[i++] = x / div;
      }
    }
    p += bytes;
  }
  dod.x = x;
  dod.d = d;
  return p;
}

/** Unpacks one group's `count` values of `width` bits from b[p..] into out[at..]. */
function unpackGroup(
  b: Uint8Array,
  p: number,
  count: number,
  width: number,
  out: Float64Array,
  at: number,
): void {
  const e = at + count;
  if (width === 0) out.fill(0, at, e);
  else if (width === 1 || width === 2 || width === 4 || width === 8)
    unpackByteAligned(b, p, out, at, count, width);
  else if (width <= 17) {
    // each value from the (at most) three bytes holding its bits: no carried state, no branch per byte
    const mask = (1 << width) - 1;
    const last = p + Math.ceil((count * width) / 8) - 1;
    let bit = 0;
    for (let i = at; i < e; i++, bit += width) {
      const k = p + (bit >>> 3);
      const word = k + 2 <= last ? b[k] | (b[k + 1] << 8) | (b[k + 2] << 16) : tail(b, k, last);
      const z = (word >>> (bit & 7)) & mask;
      out[i] = (z >>> 1) ^ -(z & 1);
    }
  } else if (width <= 24) {
    // one byte in whenever fewer bits are held than the next value needs
    const mask = width === 24 ? 0xffffff : (1 << width) - 1;
    let acc = 0;
    let bits = 0;
    for (let i = at; i < e; i++) {
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
    for (let i = at; i < e; i++) {
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
  }
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
