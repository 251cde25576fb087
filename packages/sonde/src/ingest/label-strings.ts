// Label names and values as strings, decoded from bytes once and then handed
// out again: across the series of a request most names and many values
// repeat (job, instance, the metric name), and a new series used to cost a
// fresh string per label. A small table, indexed by a hash of the bytes,
// remembers the last short ASCII string seen in each slot; a hit compares the
// bytes and returns that same string, with no allocation, and the store's
// maps then meet a string whose hash V8 has already computed. Anything else
// (long, non-ASCII) is decoded as before, UTF-8 checked.
import { utf8Field } from './utf8.js';

type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };

/** Longer strings are rarely shared (ids, URLs) and cost more to hash than to decode. */
const MAX_CACHED = 48;

export class LabelStrings {
  private readonly table: string[];
  private readonly mask: number;

  /** `slots`: a power of two (tests use 1 to make every string collide). */
  constructor(slots = 4096) {
    this.table = new Array<string>(slots).fill('');
    this.mask = slots - 1;
  }

  /** The string for buf[start..end), a UTF-8 label name or value; `what` names it in an error. */
  read(buf: Buffer, start: number, end: number, what: string): string {
    const len = end - start;
    if (len === 0) return '';
    if (len > MAX_CACHED) return utf8Field(buf, start, end, what);
    let h = 0x811c9dc5;
    let high = 0;
    for (let i = start; i < end; i++) {
      const c = buf[i];
      high |= c;
      h = Math.imul(h ^ c, 0x01000193);
    }
    if (high >= 0x80) return utf8Field(buf, start, end, what);
    const slot = (h ^ (h >>> 16)) & this.mask;
    const have = this.table[slot];
    if (have.length === len) {
      let i = 0;
      while (i < len && have.charCodeAt(i) === buf[start + i]) i++;
      if (i === len) return have;
    }
    // ASCII: latin1 reads it exactly, without UTF-8 decoding
    const s = (buf as Latin1Buffer).latin1Slice(start, end);
    this.table[slot] = s;
    return s;
  }
}
