// The remote_write decoder's series, found again by their label bytes as the
// sender encodes them. A key string per series (its label bytes as latin1)
// cost a string allocation per lookup and ~110 bytes per series held; the
// bytes are now kept packed in shared chunks and compared in place, and the
// map is keyed by a 30-bit hash of them (a small integer V8 stores unboxed).
import { SeriesEntry } from '../series-entry.js';
import type { Labels } from '../../storage/types.js';

const CHUNK_BYTES = 256 * 1024;

/** FNV-1a over buf[start, end), cut to 30 bits. */
function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  return (h ^ (h >>> 15)) & 0x3fffffff;
}

/** Whether the entry's label bytes are exactly buf[start, end). */
export function sameKey(e: SeriesEntry, buf: Uint8Array, start: number, end: number): boolean {
  const n = end - start;
  const k = e.keyBytes;
  if (k === null || e.keyLength !== n) return false;
  const at = e.keyAt;
  for (let i = 0; i < n; i++) if (k[at + i] !== buf[start + i]) return false;
  return true;
}

export class SeriesByLabelBytes {
  private readonly map = new Map<number, SeriesEntry | SeriesEntry[]>();
  private chunk = new Uint8Array(0);
  private used = 0;
  private count = 0;

  /** `max`: entries kept; the cache is cleared when full. `hash` is replaceable for tests (collisions). */
  constructor(
    private readonly max: number,
    private readonly hash: (buf: Uint8Array, start: number, end: number) => number = hashBytes,
  ) {}

  get size(): number {
    return this.count;
  }

  /** The key of buf[start, end): computed once by the caller, for get() and, after a miss, add(). */
  hashOf(buf: Uint8Array, start: number, end: number): number {
    return this.hash(buf, start, end);
  }

  get(h: number, buf: Uint8Array, start: number, end: number): SeriesEntry | undefined {
    const found = this.map.get(h);
    if (found === undefined) return undefined;
    if (!Array.isArray(found)) return sameKey(found, buf, start, end) ? found : undefined;
    for (const e of found) if (sameKey(e, buf, start, end)) return e;
    return undefined;
  }

  /** A new entry for labels read from buf[start, end) (key `h`), cached under those bytes. */
  add(h: number, labels: Labels, buf: Uint8Array, start: number, end: number): SeriesEntry {
    if (this.count >= this.max) this.clear();
    const e = new SeriesEntry(labels);
    const n = end - start;
    if (n > CHUNK_BYTES / 4) {
      e.keyBytes = buf.slice(start, end);
      e.keyAt = 0;
    } else {
      if (this.used + n > this.chunk.length) {
        this.chunk = new Uint8Array(CHUNK_BYTES);
        this.used = 0;
      }
      this.chunk.set(buf.subarray(start, end), this.used);
      e.keyBytes = this.chunk;
      e.keyAt = this.used;
      this.used += n;
    }
    e.keyLength = n;
    const have = this.map.get(h);
    if (have === undefined) this.map.set(h, e);
    else if (Array.isArray(have)) have.push(e);
    else this.map.set(h, [have, e]);
    this.count++;
    return e;
  }

  clear(): void {
    // Entries dropped here must not be found again through an expected-next link either:
    // the cache's bound would not hold.
    for (const found of this.map.values()) {
      for (const e of Array.isArray(found) ? found : [found]) {
        e.keyBytes = null;
        e.next = null;
      }
    }
    this.map.clear();
    this.count = 0;
    // entries still referenced keep their chunks; new keys go to a fresh one
    this.chunk = new Uint8Array(0);
    this.used = 0;
  }
}
