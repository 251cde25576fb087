// Byte-aligned writer/reader: unsigned LEB128 varints for integers up to
// 2^53, zigzag for signed ones, raw little-endian float64 bits. Integers are
// JS numbers, so everything above 2^31 goes through arithmetic, not bit ops.

const TWO_31 = 2 ** 31;

/** Maps a signed integer to an unsigned one (0, -1, 1, -2 … → 0, 1, 2, 3 …); exact for |x| < 2^52. */
export function zigzag(x: number): number {
  return x >= 0 ? x * 2 : -x * 2 - 1;
}

export function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

/** How many bytes `uvarint(x)` takes (comparisons, no division: encoders ask for every value). */
export function uvarintSize(x: number): number {
  if (x < 0x80) return 1;
  if (x < 0x4000) return 2;
  if (x < 0x200000) return 3;
  if (x < 0x10000000) return 4;
  let n = 5;
  for (let limit = 2 ** 35; x >= limit && n < 8; limit *= 128) n++;
  return n;
}

export class ByteWriter {
  buf: Uint8Array;
  pos = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const grown = new Uint8Array(cap);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  u8(x: number): void {
    this.ensure(1);
    this.buf[this.pos++] = x;
  }

  u32(x: number): void {
    this.ensure(4);
    const b = this.buf;
    const p = this.pos;
    b[p] = x & 0xff;
    b[p + 1] = (x >>> 8) & 0xff;
    b[p + 2] = (x >>> 16) & 0xff;
    b[p + 3] = (x >>> 24) & 0xff;
    this.pos = p + 4;
  }

  /** Unsigned integer 0 ≤ x < 2^53. */
  uvarint(x: number): void {
    this.ensure(8);
    const b = this.buf;
    let p = this.pos;
    if (x < TWO_31) {
      while (x >= 0x80) {
        b[p++] = (x & 0x7f) | 0x80;
        x >>>= 7;
      }
      b[p++] = x;
    } else {
      while (x >= 0x80) {
        b[p++] = (x % 128) | 0x80;
        x = Math.floor(x / 128);
      }
      b[p++] = x;
    }
    this.pos = p;
  }

  /** Signed integer, |x| < 2^52, zigzag encoded. */
  varint(x: number): void {
    this.uvarint(x >= 0 ? x * 2 : -x * 2 - 1);
  }

  /** The 8 bytes of a float64 given as its two 32-bit halves (keeps NaN payloads exact). */
  bits64(hi: number, lo: number): void {
    this.u32(lo);
    this.u32(hi);
  }

  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }

  /** A copy of what was written, exactly sized. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
  }
}

export class ByteReader {
  pos: number;
  readonly end: number;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  private fail(): never {
    throw new RangeError('truncated or corrupt data');
  }

  u8(): number {
    if (this.pos >= this.end) this.fail();
    return this.buf[this.pos++];
  }

  u32(): number {
    const p = this.pos;
    if (p + 4 > this.end) this.fail();
    const b = this.buf;
    this.pos = p + 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }

  uvarint(): number {
    const b = this.buf;
    let p = this.pos;
    const end = this.end;
    let x = 0;
    let shift = 0;
    for (;;) {
      if (p >= end) this.fail();
      const c = b[p++];
      if (shift < 28) x |= (c & 0x7f) << shift;
      else x += (c & 0x7f) * 2 ** shift;
      if (c < 0x80) break;
      shift += 7;
      if (shift > 56) this.fail();
    }
    this.pos = p;
    return shift < 28 ? x >>> 0 : x;
  }

  varint(): number {
    const z = this.uvarint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  bytes(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.end) this.fail();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}
