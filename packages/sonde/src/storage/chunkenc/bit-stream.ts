// Bit-level writer/reader, most significant bit first, as the Gorilla XOR
// chunk and the bit-packed integer groups need. At most 32 bits per call.

export class BitWriter {
  buf: Uint8Array;
  /** Index of the byte being filled. */
  byte = 0;
  /** Bits already used in that byte (0..7). */
  bit = 0;

  constructor(capacity = 64) {
    this.buf = new Uint8Array(capacity);
  }

  private grow(): void {
    const grown = new Uint8Array(this.buf.length * 2 + 16);
    grown.set(this.buf);
    this.buf = grown;
  }

  /** Writes the low `n` bits of `value` (0 ≤ n ≤ 32). */
  write(value: number, n: number): void {
    if (this.byte + 5 >= this.buf.length) this.grow();
    const buf = this.buf;
    while (n > 0) {
      const free = 8 - this.bit;
      const take = Math.min(n, free);
      const bits = (value >>> (n - take)) & ((1 << take) - 1);
      buf[this.byte] |= bits << (free - take);
      n -= take;
      this.bit += take;
      if (this.bit === 8) {
        this.byte++;
        this.bit = 0;
      }
    }
  }

  writeBit(b: number): void {
    if (this.byte + 1 >= this.buf.length) this.grow();
    if (b) this.buf[this.byte] |= 0x80 >>> this.bit;
    if (++this.bit === 8) {
      this.byte++;
      this.bit = 0;
    }
  }

  /** Bytes written so far, the last one padded with zero bits. */
  get length(): number {
    return this.byte + (this.bit > 0 ? 1 : 0);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export class BitReader {
  private byte: number;
  private bit = 0;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.byte = start;
  }

  /** Reads `n` bits (0 ≤ n ≤ 32) as an unsigned integer. */
  read(n: number): number {
    let out = 0;
    const buf = this.buf;
    while (n > 0) {
      if (this.byte >= this.end) throw new RangeError('bit stream truncated');
      const avail = 8 - this.bit;
      const take = Math.min(n, avail);
      const bits = (buf[this.byte] >>> (avail - take)) & ((1 << take) - 1);
      out = ((out << take) | bits) >>> 0;
      n -= take;
      this.bit += take;
      if (this.bit === 8) {
        this.byte++;
        this.bit = 0;
      }
    }
    return out >>> 0;
  }

  readBit(): number {
    if (this.byte >= this.end) throw new RangeError('bit stream truncated');
    const b = (this.buf[this.byte] >>> (7 - this.bit)) & 1;
    if (++this.bit === 8) {
      this.byte++;
      this.bit = 0;
    }
    return b;
  }

  /** Offset of the first byte not (even partly) consumed. */
  get bytePos(): number {
    return this.byte + (this.bit > 0 ? 1 : 0);
  }
}
