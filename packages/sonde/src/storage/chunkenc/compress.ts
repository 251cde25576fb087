// The general-purpose pass over sealed block chunks: raw DEFLATE (node:zlib)
// on each column's encoded bytes. A column may come in several encodings
// (bit-packed integer runs and plain varints, int-series.ts), each stored raw
// or deflated; the one kept is the fastest to read among those within a
// third of the smallest: inflating costs about 3.5 ns per byte, the largest
// single cost of a raw range read, while the smallest form is sometimes a
// deflated varint stream (data with exact repeats, which DEFLATE matches).
// Head chunks are not compressed: they are short-lived.
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';

const RAW = 0;
const DEFLATE = 1;
const MIN_WORTH = 24;
/** A form that reads faster is kept while it takes at most a third more bytes than the smallest. */
const SLACK = 4 / 3;

function stored(raw: Uint8Array): Uint8Array {
  const out = new Uint8Array(raw.length + 1);
  out[0] = RAW;
  out.set(raw, 1);
  return out;
}

function deflated(raw: Uint8Array): Uint8Array | null {
  if (raw.length < MIN_WORTH) return null;
  const z = deflateRawSync(raw, { level: 6, strategy: constants.Z_DEFAULT_STRATEGY });
  const out = new Uint8Array(z.length + 5);
  out[0] = DEFLATE;
  new DataView(out.buffer).setUint32(1, raw.length, true);
  out.set(z, 5);
  return out;
}

/**
 * The stored form of a column given as one or more encodings, fastest to
 * read first: each raw, then deflated, the first within SLACK of the smallest.
 */
export function pack(encodings: Uint8Array | readonly Uint8Array[]): Uint8Array {
  const alts = encodings instanceof Uint8Array ? [encodings] : encodings;
  const forms: Uint8Array[] = [];
  for (const raw of alts) {
    forms.push(stored(raw));
    const z = deflated(raw);
    if (z) forms.push(z);
  }
  let min = Number.POSITIVE_INFINITY;
  for (const f of forms) min = Math.min(min, f.length);
  for (const f of forms) if (f.length <= min * SLACK) return f;
  return forms[0];
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
