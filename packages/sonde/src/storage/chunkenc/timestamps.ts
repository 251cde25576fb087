// A column of millisecond timestamps: the count, then the integers as first
// value + delta-of-deltas (or deltas), zigzag + varint. Regular scrapes give
// runs of zero delta-of-deltas that the block compressor folds to nearly
// nothing; identical columns are stored once per block (block-writer.ts).
import { decodeInts, encodeInts } from './int-series.js';
import type { ByteReader, ByteWriter } from './varint.js';

export function encodeTimestamps(w: ByteWriter, t: ArrayLike<number>, from: number, to: number): void {
  w.uvarint(to - from);
  encodeInts(w, t, from, to);
}

export function peekTimestampCount(r: ByteReader): number {
  const pos = r.pos;
  const n = r.uvarint();
  r.pos = pos;
  return n;
}

/** Decodes into out[at..]; returns the count. */
export function decodeTimestamps(r: ByteReader, out: Float64Array, at: number): number {
  const n = r.uvarint();
  if (at + n > out.length) throw new RangeError('timestamp column longer than expected');
  decodeInts(r, n, out, at);
  return n;
}
