// A column of float64 values: one mode byte, the count, then either one value
// (all bits equal), a decimal run (chunk-decimal.ts), or a Gorilla XOR stream
// (chunk-xor.ts) when the values are not short decimals.
import { BitReader, BitWriter } from './bit-stream.js';
import { decodeDecimal, encodeDecimal, planDecimal } from './chunk-decimal.js';
import { decodeXor, encodeXor } from './chunk-xor.js';
import { wordsOf } from './float-bits.js';
import type { ByteReader, ByteWriter } from './varint.js';

const CONST = 0;
const DECIMAL = 1;
const XOR = 2;

export type ValueMode = 'const' | 'decimal' | 'xor';

function allSameBits(words: Uint32Array, from: number, to: number): boolean {
  const hi = words[2 * from + 1];
  const lo = words[2 * from];
  for (let i = from + 1; i < to; i++) if (words[2 * i] !== lo || words[2 * i + 1] !== hi) return false;
  return true;
}

/** Appends the column for v[from..to) to w; returns the mode used. */
export function encodeValues(w: ByteWriter, v: Float64Array, from: number, to: number): ValueMode {
  const words = wordsOf(v);
  const n = to - from;
  if (n > 0 && allSameBits(words, from, to)) {
    w.u8(CONST);
    w.uvarint(n);
    w.bits64(words[2 * from + 1], words[2 * from]);
    return 'const';
  }
  const plan = n > 0 ? planDecimal(v, from, to) : null;
  if (plan) {
    w.u8(DECIMAL);
    w.uvarint(n);
    encodeDecimal(w, plan, words, from);
    return 'decimal';
  }
  w.u8(XOR);
  w.uvarint(n);
  const bw = new BitWriter(n * 4 + 16);
  encodeXor(bw, words, from, to);
  w.uvarint(bw.length);
  w.bytes(bw.buf.subarray(0, bw.length));
  return 'xor';
}

/** The count of a column without decoding it. */
export function peekCount(r: ByteReader): number {
  const pos = r.pos;
  r.u8();
  const n = r.uvarint();
  r.pos = pos;
  return n;
}

/** Decodes a column into out[at..]; returns how many values it held. */
export function decodeValues(r: ByteReader, out: Float64Array, at: number): number {
  const mode = r.u8();
  const n = r.uvarint();
  if (at + n > out.length) throw new RangeError('value column longer than expected');
  const words = wordsOf(out);
  switch (mode) {
    case CONST: {
      const lo = r.u32();
      const hi = r.u32();
      for (let i = at; i < at + n; i++) {
        words[2 * i] = lo;
        words[2 * i + 1] = hi;
      }
      break;
    }
    case DECIMAL:
      decodeDecimal(r, n, out, words, at);
      break;
    case XOR: {
      const len = r.uvarint();
      const bytes = r.bytes(len);
      decodeXor(new BitReader(bytes), n, words, at);
      break;
    }
    default:
      throw new RangeError(`corrupt value column (mode ${mode})`);
  }
  return n;
}
