// The general-purpose pass over sealed block chunks: raw DEFLATE (node:zlib)
// on each chunk's encoded bytes, kept only when it saves at least a quarter:
// inflating costs about 3.5 ns per byte on read, the largest single cost of a
// raw range read, while bit-packed columns (int-series.ts) often shrink less
// than that. Head chunks are not compressed: they are short-lived.
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';

const RAW = 0;
const DEFLATE = 1;
const MIN_WORTH = 24;
/** DEFLATE is kept when the result is at most this fraction of the raw bytes. */
const KEEP_BELOW = 0.75;

export function pack(raw: Uint8Array): Uint8Array {
  if (raw.length >= MIN_WORTH) {
    const z = deflateRawSync(raw, { level: 6, strategy: constants.Z_DEFAULT_STRATEGY });
    if (z.length + 1 + 4 <= raw.length * KEEP_BELOW) {
      const out = new Uint8Array(z.length + 5);
      out[0] = DEFLATE;
      new DataView(out.buffer).setUint32(1, raw.length, true);
      out.set(z, 5);
      return out;
    }
  }
  const out = new Uint8Array(raw.length + 1);
  out[0] = RAW;
  out.set(raw, 1);
  return out;
}

export function unpack(packed: Uint8Array): Uint8Array {
  if (packed.length === 0) throw new RangeError('empty packed chunk');
  if (packed[0] === RAW) return packed.subarray(1);
  if (packed[0] !== DEFLATE || packed.length < 5) throw new RangeError('corrupt packed chunk');
  const len = new DataView(packed.buffer, packed.byteOffset, packed.length).getUint32(1, true);
  const out = inflateRawSync(packed.subarray(5), { maxOutputLength: Math.max(len, 1) });
  if (out.length !== len) throw new RangeError('corrupt packed chunk (length)');
  return out;
}
