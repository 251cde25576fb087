// Reads an immutable block file: the footer and index are loaded into flat
// typed arrays on open; chunk blobs are read from the file on demand, only for
// chunks overlapping the range asked for, and checked against their CRC. A
// chunk that fails its check raises CorruptChunkError for the caller to
// report and skip; a block whose index is bad does not open.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32, inflateRawSync } from 'node:zlib';
import { unpack } from './chunkenc/compress.js';
import { decodeTimestamps } from './chunkenc/timestamps.js';
import { ByteReader } from './chunkenc/varint.js';
import {
  BLOCK_MAGIC,
  BLOCK_VERSION,
  FOOTER_BYTES,
  FOOTER_MAGIC,
  OLDEST_BLOCK_VERSION,
  type TierId,
} from './block-writer.js';

export class CorruptChunkError extends Error {
  constructor(
    readonly path: string,
    readonly ref: number,
    detail: string,
  ) {
    super(`corrupt chunk in ${path} (series ${ref}): ${detail}`);
  }
}

export interface TsColumn {
  readonly crc: number;
  readonly t: Float64Array;
}

export interface ChunkRef {
  readonly kind: number;
  readonly minT: number;
  readonly maxT: number;
  readonly n: number;
  readonly index: number;
}

export class BlockReader {
  readonly tier: TierId;
  readonly minT: number;
  readonly maxT: number;
  readonly bytes: number;
  private fd: number;
  private readonly refs: Int32Array;
  private readonly seriesStart: Int32Array;
  private readonly cMinT: Float64Array;
  private readonly cMaxT: Float64Array;
  private readonly cN: Int32Array;
  private readonly cKind: Uint8Array;
  private readonly cCrc: Uint32Array;
  private readonly cBlobStart: Int32Array;
  private readonly bOff: Float64Array;
  private readonly bLen: Int32Array;
  samples = 0;
  /** Open queriers using it; a deleted block closes when the last one ends. */
  users = 0;
  dropped = false;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
    try {
      const size = fstatSync(this.fd).size;
      this.bytes = size;
      if (size < 8 + FOOTER_BYTES) throw new Error('file too short');
      const head = this.read(0, 8);
      const hv = new DataView(head.buffer, head.byteOffset, 8);
      if (hv.getUint32(0, true) !== BLOCK_MAGIC || head[4] < OLDEST_BLOCK_VERSION || head[4] > BLOCK_VERSION)
        throw new Error('not a block');
      this.tier = head[5] as TierId;
      const foot = this.read(size - FOOTER_BYTES, FOOTER_BYTES);
      const fv = new DataView(foot.buffer, foot.byteOffset, FOOTER_BYTES);
      const indexOff = fv.getUint32(0, true);
      const indexLen = fv.getUint32(4, true);
      if (fv.getUint32(12, true) !== FOOTER_MAGIC || indexOff + indexLen + FOOTER_BYTES !== size) {
        throw new Error('bad footer');
      }
      const packed = this.read(indexOff, indexLen);
      if (crc32(packed) !== fv.getUint32(8, true)) throw new Error('index checksum mismatch');
      const r = new ByteReader(inflateRawSync(packed));
      this.minT = r.varint();
      this.maxT = r.varint();
      const ns = r.uvarint();
      this.refs = new Int32Array(ns);
      this.seriesStart = new Int32Array(ns + 1);
      const minT: number[] = [];
      const maxT: number[] = [];
      const cn: number[] = [];
      const kind: number[] = [];
      const crc: number[] = [];
      const blobStart: number[] = [];
      const off: number[] = [];
      const len: number[] = [];
      let ref = 0;
      for (let s = 0; s < ns; s++) {
        ref += r.uvarint();
        this.refs[s] = ref;
        this.seriesStart[s] = minT.length;
        const nc = r.uvarint();
        for (let c = 0; c < nc; c++) {
          const lo = this.minT + r.varint();
          minT.push(lo);
          maxT.push(lo + r.uvarint());
          const n = r.uvarint();
          cn.push(n);
          this.samples += n;
          kind.push(r.u8());
          blobStart.push(off.length);
          const nb = r.uvarint();
          for (let b = 0; b < nb; b++) {
            off.push(r.uvarint());
            len.push(r.uvarint());
          }
          crc.push(r.u32());
        }
      }
      this.seriesStart[ns] = minT.length;
      blobStart.push(off.length);
      this.cMinT = Float64Array.from(minT);
      this.cMaxT = Float64Array.from(maxT);
      this.cN = Int32Array.from(cn);
      this.cKind = Uint8Array.from(kind);
      this.cCrc = Uint32Array.from(crc);
      this.cBlobStart = Int32Array.from(blobStart);
      this.bOff = Float64Array.from(off);
      this.bLen = Int32Array.from(len);
    } catch (err) {
      closeSync(this.fd);
      throw new Error(`block ${path} is unreadable: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Bytes read ahead by `prefetch` (file offset, bytes), served by `read` while it covers the range asked. */
  private ahead: { off: number; buf: Buffer } | null = null;

  /**
   * Reads the value blobs of these chunks (a series' chunks, in file order)
   * with one read when they lie together, as the writer puts them; `read`
   * then serves them from memory until `prefetch(null)` or the next call.
   */
  prefetch(chunks: readonly ChunkRef[] | null): void {
    this.ahead = null;
    if (!chunks || chunks.length < 2) return;
    let lo = Number.POSITIVE_INFINITY;
    let hi = 0;
    let sum = 0;
    for (const c of chunks) {
      // the first blob is the timestamp column, shared and cached apart
      for (let b = this.cBlobStart[c.index] + 1; b < this.cBlobStart[c.index + 1]; b++) {
        lo = Math.min(lo, this.bOff[b]);
        hi = Math.max(hi, this.bOff[b] + this.bLen[b]);
        sum += this.bLen[b];
      }
    }
    if (hi <= lo || hi - lo > 2 * sum || hi - lo > 64 << 20) return;
    try {
      this.ahead = { off: lo, buf: this.read(lo, hi - lo) };
    } catch {
      this.ahead = null; // read again blob by blob, where a failure is reported per chunk
    }
  }

  private read(pos: number, len: number): Buffer {
    const a = this.ahead;
    if (a && pos >= a.off && pos + len <= a.off + a.buf.length)
      return a.buf.subarray(pos - a.off, pos - a.off + len);
    const b = Buffer.allocUnsafe(len);
    let got = 0;
    while (got < len) {
      const n = readSync(this.fd, b, got, len - got, pos + got);
      if (n === 0) throw new RangeError('read past end of block');
      got += n;
    }
    return b;
  }

  get seriesCount(): number {
    return this.refs.length;
  }

  /** Every series ref in the block, ascending. */
  seriesRefs(): Int32Array {
    return this.refs;
  }

  private find(ref: number): number {
    let lo = 0;
    let hi = this.refs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.refs[mid] < ref) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.refs.length && this.refs[lo] === ref ? lo : -1;
  }

  has(ref: number): boolean {
    return this.find(ref) >= 0;
  }

  /** The chunks of a series overlapping [mint, maxt]. */
  chunks(ref: number, mint: number, maxt: number): ChunkRef[] {
    const s = this.find(ref);
    if (s < 0) return [];
    const out: ChunkRef[] = [];
    for (let c = this.seriesStart[s]; c < this.seriesStart[s + 1]; c++) {
      if (this.cMaxT[c] < mint || this.cMinT[c] > maxt) continue;
      out.push({ kind: this.cKind[c], minT: this.cMinT[c], maxT: this.cMaxT[c], n: this.cN[c], index: c });
    }
    return out;
  }

  /** The unpacked columns of a chunk (timestamps first), CRC-checked. */
  columns(ref: number, c: ChunkRef): Uint8Array[] {
    const cols: Uint8Array[] = [];
    let crc = 0;
    try {
      for (let b = this.cBlobStart[c.index]; b < this.cBlobStart[c.index + 1]; b++) {
        const raw = this.read(this.bOff[b], this.bLen[b]);
        crc = (crc ^ crc32(raw)) >>> 0;
        cols.push(raw);
      }
      if (crc !== this.cCrc[c.index]) throw new Error('checksum mismatch');
      return cols.map(unpack);
    } catch (err) {
      throw new CorruptChunkError(this.path, ref, (err as Error).message);
    }
  }

  /**
   * A float or histogram chunk: its timestamps decoded (shared columns decoded
   * once per `cache`) and its other columns unpacked, CRC-checked.
   */
  readChunk(ref: number, c: ChunkRef, cache: Map<number, TsColumn>): { t: Float64Array; cols: Uint8Array[] } {
    try {
      const b0 = this.cBlobStart[c.index];
      const b1 = this.cBlobStart[c.index + 1];
      let ts = cache.get(this.bOff[b0]);
      if (!ts) {
        const raw = this.read(this.bOff[b0], this.bLen[b0]);
        const t = new Float64Array(c.n);
        if (decodeTimestamps(new ByteReader(unpack(raw)), t, 0) !== c.n)
          throw new Error('timestamp count mismatch');
        ts = { crc: crc32(raw), t };
        cache.set(this.bOff[b0], ts);
      }
      let crc = ts.crc;
      const cols: Uint8Array[] = [];
      for (let b = b0 + 1; b < b1; b++) {
        const raw = this.read(this.bOff[b], this.bLen[b]);
        crc = (crc ^ crc32(raw)) >>> 0;
        cols.push(raw);
      }
      if (crc !== this.cCrc[c.index]) throw new Error('checksum mismatch');
      if (ts.t.length !== c.n) throw new Error('timestamp count mismatch');
      return { t: ts.t, cols: cols.map(unpack) };
    } catch (err) {
      throw new CorruptChunkError(this.path, ref, (err as Error).message);
    }
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
