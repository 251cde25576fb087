// A cursor over the bytes of a /proc or /sys file: lines and whitespace-separated
// fields found in place, numbers parsed from the bytes. Nothing is split into
// arrays and no string is made unless a caller asks for one.

const SPACE = 32;
const TAB = 9;
const NL = 10;
const EMPTY = Buffer.alloc(0);
const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
];

/**
 * Parses a decimal number (sign, digits, optional fraction) from bytes [s, e).
 * Exact for up to 15 significant digits; longer or unusual forms fall back to Number().
 */
export function parseNum(b: Buffer, s: number, e: number): number {
  let i = s;
  let neg = false;
  if (b[i] === 45) {
    neg = true;
    i++;
  } else if (b[i] === 43) i++;
  let mant = 0;
  let digits = 0;
  while (i < e) {
    const c = b[i] - 48;
    if (c < 0 || c > 9) break;
    mant = mant * 10 + c;
    digits++;
    i++;
  }
  let scale = 0;
  if (i < e && b[i] === 46) {
    i++;
    while (i < e) {
      const c = b[i] - 48;
      if (c < 0 || c > 9) break;
      mant = mant * 10 + c;
      digits++;
      scale++;
      i++;
    }
  }
  if (i !== e || digits === 0 || digits > 15 || scale > 17) return Number(b.toString('latin1', s, e));
  const v = scale === 0 ? mant : mant / POW10[scale];
  return neg ? -v : v;
}

/** Parses hexadecimal digits from bytes [s, e) (no prefix). */
export function parseHex(b: Buffer, s: number, e: number): number {
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = b[i];
    const d = c <= 57 ? c - 48 : (c | 32) - 87;
    if (d < 0 || d > 15) return Number.NaN;
    v = v * 16 + d;
  }
  return e > s ? v : Number.NaN;
}

export class Scanner {
  buf: Buffer = EMPTY;
  /** End of the data in buf. */
  end = 0;
  /** Read position within the current line. */
  pos = 0;
  /** Start and end (exclusive) of the current line. */
  lineStart = 0;
  lineEnd = -1;
  /** Start and end (exclusive) of the current field. */
  s = 0;
  e = 0;

  reset(buf: Buffer, len: number): this {
    this.buf = buf;
    this.end = len;
    this.pos = 0;
    this.lineStart = 0;
    this.lineEnd = -1;
    this.s = 0;
    this.e = 0;
    return this;
  }

  /** Moves to the next line; false when there is none. */
  nextLine(): boolean {
    const start = this.lineEnd + 1;
    if (start >= this.end) return false;
    let nl = this.buf.indexOf(NL, start);
    if (nl < 0 || nl > this.end) nl = this.end;
    this.lineStart = start;
    this.lineEnd = nl;
    this.pos = start;
    return true;
  }

  /** Moves to the next field of the current line; false when the line has no more. */
  field(): boolean {
    const b = this.buf;
    const le = this.lineEnd;
    let p = this.pos;
    while (p < le && (b[p] === SPACE || b[p] === TAB)) p++;
    if (p >= le) {
      this.pos = le;
      return false;
    }
    const s = p;
    while (p < le && b[p] !== SPACE && b[p] !== TAB) p++;
    this.s = s;
    this.e = p;
    this.pos = p;
    return true;
  }

  /** Moves to the next field delimited by `sep` (and the line end); empty fields count. */
  fieldSep(sep: number): boolean {
    const le = this.lineEnd;
    if (this.pos > le) return false;
    const b = this.buf;
    let p = this.pos;
    const s = p;
    while (p < le && b[p] !== sep) p++;
    this.s = s;
    this.e = p;
    this.pos = p + 1;
    return true;
  }

  /** Skips n fields; false if the line ran out. */
  skip(n: number): boolean {
    for (let i = 0; i < n; i++) if (!this.field()) return false;
    return true;
  }

  /** The current field as a number. */
  num(): number {
    return parseNum(this.buf, this.s, this.e);
  }

  /** The next field as a number, NaN when the line has no more. */
  nextNum(): number {
    return this.field() ? parseNum(this.buf, this.s, this.e) : Number.NaN;
  }

  hex(): number {
    return parseHex(this.buf, this.s, this.e);
  }

  /** The current field as a string. */
  str(): string {
    return this.buf.toString('latin1', this.s, this.e);
  }

  /** The rest of the current line from the read position, as a string. */
  rest(): string {
    return this.buf.toString('latin1', this.pos, this.lineEnd);
  }

  /** The whole current line, as a string. */
  line(): string {
    return this.buf.toString('latin1', this.lineStart, this.lineEnd);
  }

  /** Whether the current field equals `text` (ASCII), without making a string. */
  is(text: string): boolean {
    return bytesEqual(this.buf, this.s, this.e, text);
  }

  /** Whether the current line starts with `text` (ASCII). */
  lineStartsWith(text: string): boolean {
    const n = text.length;
    if (this.lineEnd - this.lineStart < n) return false;
    const b = this.buf;
    const s = this.lineStart;
    for (let i = 0; i < n; i++) if (b[s + i] !== text.charCodeAt(i)) return false;
    return true;
  }

  /** Whether the whole current line equals `text`. */
  lineIs(text: string): boolean {
    return bytesEqual(this.buf, this.lineStart, this.lineEnd, text);
  }
}

export function bytesEqual(b: Buffer, s: number, e: number, text: string): boolean {
  const n = text.length;
  if (e - s !== n) return false;
  for (let i = 0; i < n; i++) if (b[s + i] !== text.charCodeAt(i)) return false;
  return true;
}

/**
 * What each key of a key-per-line file means (metric name, whether it is
 * kept), cached by line position and confirmed against the key's bytes, so
 * no string is made while the file's layout stays the same.
 */
export class KeyCache<T> {
  private readonly keys: string[] = [];
  private readonly vals: T[] = [];

  /** The value for the current field of `s`, the i-th key of the file. */
  get(s: Scanner, i: number, make: (key: string) => T): T {
    const k = this.keys[i];
    if (k !== undefined && s.is(k)) return this.vals[i];
    const key = s.str();
    const v = make(key);
    this.keys[i] = key;
    this.vals[i] = v;
    return v;
  }
}
