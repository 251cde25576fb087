// Writes an immutable block file: the packed blobs of every chunk, then an
// index (series ref → chunks with time range, count, kind, blob offsets and a
// CRC), then a fixed footer. Identical timestamp columns (series collected in
// the same cycle) are stored once. Written to a temporary name, synced, then
// renamed, so a block is either whole or absent.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { pack } from './chunkenc/compress.js';
import { ByteWriter } from './chunkenc/varint.js';
import { syncDir } from './wal.js';

export const BLOCK_MAGIC = 0x42444e53; // "SNDB"
export const FOOTER_MAGIC = 0x45444e53; // "SNDE"
/** 2: integer runs may be bit-packed (chunkenc/int-series.ts); version 1 blocks are still read. */
export const BLOCK_VERSION = 2;
export const OLDEST_BLOCK_VERSION = 1;
export const FOOTER_BYTES = 16;

export const KIND_FLOAT = 0;
export const KIND_HISTOGRAM = 1;
export const KIND_ROLLUP = 2;
export const KIND_HISTOGRAM_ROLLUP = 3;

export type TierId = 0 | 1 | 2;

/** One encoded chunk: the timestamp column first, then its value column(s). */
export interface ChunkToWrite {
  readonly kind: number;
  readonly minT: number;
  readonly maxT: number;
  readonly n: number;
  /** Each column as its encoded bytes, or several encodings of it (fastest to read first; `pack` picks). */
  readonly columns: readonly (Uint8Array | readonly Uint8Array[])[];
}

interface ChunkMeta extends ChunkToWrite {
  blobs: [number, number][];
  /** XOR of the CRC-32s of the chunk's packed blobs. */
  crc: number;
}

export class BlockWriter {
  private fd: number;
  private offset = 8;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private readonly series: { ref: number; chunks: ChunkMeta[] }[] = [];
  private readonly tsBlobs = new Map<string, [number, number, number]>();
  private readonly tmp: string;
  minT = Number.POSITIVE_INFINITY;
  maxT = Number.NEGATIVE_INFINITY;
  samples = 0;

  constructor(
    readonly path: string,
    readonly tier: TierId,
  ) {
    this.tmp = `${dirname(path)}/.tmp-${basename(path)}`;
    this.fd = openSync(this.tmp, 'w');
    const head = new Uint8Array(8);
    const dv = new DataView(head.buffer);
    dv.setUint32(0, BLOCK_MAGIC, true);
    head[4] = BLOCK_VERSION;
    head[5] = tier;
    this.emit(head);
  }

  private emit(b: Uint8Array): void {
    this.pending.push(b);
    this.pendingBytes += b.length;
    if (this.pendingBytes >= 1 << 20) this.drain();
  }

  private drain(): void {
    if (this.pending.length === 0) return;
    const buf = Buffer.concat(this.pending);
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    this.pending = [];
    this.pendingBytes = 0;
  }

  private blob(bytes: Uint8Array | readonly Uint8Array[], dedup: boolean): [number, number, number] {
    const packed = pack(bytes);
    let key = '';
    if (dedup) {
      key = Buffer.from(packed.buffer, packed.byteOffset, packed.length).toString('latin1');
      const have = this.tsBlobs.get(key);
      if (have) return have;
    }
    const at: [number, number, number] = [this.offset, packed.length, crc32(packed)];
    this.emit(packed);
    this.offset += packed.length;
    if (dedup) this.tsBlobs.set(key, at);
    return at;
  }

  /** Adds a series' chunks; refs must come in increasing order. */
  addSeries(ref: number, chunks: readonly ChunkToWrite[]): void {
    if (chunks.length === 0) return;
    const metas: ChunkMeta[] = [];
    for (const c of chunks) {
      let crc = 0;
      const blobs = c.columns.map((col, i): [number, number] => {
        const [off, len, bcrc] = this.blob(col, i === 0);
        crc = (crc ^ bcrc) >>> 0;
        return [off, len];
      });
      metas.push({ kind: c.kind, minT: c.minT, maxT: c.maxT, n: c.n, columns: [], blobs, crc });
      if (c.minT < this.minT) this.minT = c.minT;
      if (c.maxT > this.maxT) this.maxT = c.maxT;
      this.samples += c.n;
    }
    this.series.push({ ref, chunks: metas });
  }

  private indexBytes(): Uint8Array {
    const w = new ByteWriter(1 << 16);
    w.varint(Number.isFinite(this.minT) ? this.minT : 0);
    w.varint(Number.isFinite(this.maxT) ? this.maxT : 0);
    w.uvarint(this.series.length);
    let prevRef = 0;
    const base = Number.isFinite(this.minT) ? this.minT : 0;
    for (const s of this.series) {
      w.uvarint(s.ref - prevRef);
      prevRef = s.ref;
      w.uvarint(s.chunks.length);
      for (const c of s.chunks) {
        w.varint(c.minT - base);
        w.uvarint(c.maxT - c.minT);
        w.uvarint(c.n);
        w.u8(c.kind);
        w.uvarint(c.blobs.length);
        for (const [off, len] of c.blobs) {
          w.uvarint(off);
          w.uvarint(len);
        }
        w.u32(c.crc);
      }
    }
    return deflateRawSync(w.finish());
  }

  /** Finishes and syncs the file, and unless told not to, renames it into place; returns its size. */
  finish(publish = true): number {
    const index = this.indexBytes();
    const footer = new Uint8Array(FOOTER_BYTES);
    const dv = new DataView(footer.buffer);
    dv.setUint32(0, this.offset, true);
    dv.setUint32(4, index.length, true);
    dv.setUint32(8, crc32(index), true);
    dv.setUint32(12, FOOTER_MAGIC, true);
    this.emit(index);
    this.emit(footer);
    this.offset += index.length + footer.length;
    this.drain();
    fsyncSync(this.fd);
    closeSync(this.fd);
    if (publish) this.publish();
    return this.offset;
  }

  /** Renames a finished file into place. */
  publish(): void {
    renameSync(this.tmp, this.path);
    syncDir(dirname(this.path));
  }

  abort(): void {
    try {
      closeSync(this.fd);
    } catch {}
    try {
      unlinkSync(this.tmp);
    } catch {}
  }
}
