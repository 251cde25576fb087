// A durable FIFO of byte records on disk, for data owed to a remote: what
// was pushed survives a crash and a remote outage, up to a size cap past
// which the oldest segments go first (and are counted).
//
// Layout: segments NNNNNNNN.seg of records [u32 length][u32 crc32][u32 weight][payload],
// and cursor.json with the read position. A torn record at the tail of the
// newest segment (a crash mid-write) is cut off on open.
//
// Delivery is at least once: the read position is written at most every
// CURSOR_EVERY_MS (and on close), so a crash may send the records acknowledged
// in that last moment again; remote_write receivers take a repeated identical
// sample as a no-op. Writing it on every acknowledgement cost a file write and
// a rename per request sent.
import {
  closeSync,
  fdatasyncSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writevSync,
} from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

const HEADER = 12;
const SEGMENT_BYTES = 8 * 1024 * 1024;
const CURSOR_EVERY_MS = 500;

export interface DiskQueueOptions {
  readonly dir: string;
  /** Cap on bytes kept; past it the oldest segments are dropped. */
  readonly maxBytes: number;
  readonly segmentBytes?: number;
}

export interface QueueRecord {
  readonly payload: Buffer;
  /** What the record stands for (e.g. samples), for counting drops. */
  readonly weight: number;
}

interface Cursor {
  segment: number;
  offset: number;
}

const segName = (n: number) => `${String(n).padStart(8, '0')}.seg`;

export class DiskQueue {
  private segments: number[] = [];
  private sizes = new Map<number, number>();
  private writeFd = -1;
  /** The segment being read, kept open while the cursor is in it. */
  private readFd = -1;
  private readSegment = -1;
  /** Length of the record peek() last returned, at the cursor (-1: none). */
  private peekedLength = -1;
  private cursor: Cursor;
  private cursorWrittenAt = 0;
  private cursorTimer: NodeJS.Timeout | null = null;
  private readonly segmentBytes: number;
  /** Weight of records dropped because of the size cap since open. */
  droppedWeight = 0;

  constructor(private readonly options: DiskQueueOptions) {
    this.segmentBytes = options.segmentBytes ?? SEGMENT_BYTES;
    mkdirSync(options.dir, { recursive: true });
    this.segments = readdirSync(options.dir)
      .filter((f) => /^\d{8}\.seg$/.test(f))
      .map((f) => Number(f.slice(0, 8)))
      .sort((a, b) => a - b);
    for (const s of this.segments) this.sizes.set(s, this.validLength(s));
    this.cursor = this.readCursor();
    if (this.segments.length === 0) this.segments.push(1);
    const last = this.segments[this.segments.length - 1];
    this.writeFd = openSync(join(options.dir, segName(last)), 'a+');
    const valid = this.sizes.get(last) ?? 0;
    if (fstatSync(this.writeFd).size !== valid) ftruncateSync(this.writeFd, valid);
    this.sizes.set(last, valid);
    if (!this.segments.includes(this.cursor.segment)) this.cursor = { segment: this.segments[0], offset: 0 };
    // A cursor written before a torn tail was cut may point past the data now there.
    this.cursor.offset = Math.min(this.cursor.offset, this.sizes.get(this.cursor.segment) ?? 0);
  }

  /** Bytes currently kept on disk. */
  get bytes(): number {
    let total = 0;
    for (const s of this.segments) total += this.sizes.get(s) ?? 0;
    return total;
  }

  /** True when every record has been acknowledged. */
  get empty(): boolean {
    const last = this.segments[this.segments.length - 1];
    return this.cursor.segment === last && this.cursor.offset >= (this.sizes.get(last) ?? 0);
  }

  /** Appends records and syncs them to disk before returning. */
  push(records: readonly QueueRecord[]): void {
    if (records.length === 0) return;
    const parts: Buffer[] = [];
    let bytes = 0;
    for (const r of records) {
      const header = Buffer.allocUnsafe(HEADER);
      header.writeUInt32LE(r.payload.length, 0);
      header.writeUInt32LE(crc32(r.payload), 4);
      header.writeUInt32LE(r.weight >>> 0, 8);
      parts.push(header, r.payload);
      bytes += HEADER + r.payload.length;
    }
    let written = 0;
    while (written < bytes) {
      written += writevSync(this.writeFd, written === 0 ? parts : [Buffer.concat(parts).subarray(written)]);
    }
    const last = this.segments[this.segments.length - 1];
    this.sizes.set(last, (this.sizes.get(last) ?? 0) + bytes);
    fdatasyncSync(this.writeFd);
    if ((this.sizes.get(last) ?? 0) >= this.segmentBytes) this.rotate();
    this.enforceCap();
  }

  /** The oldest unacknowledged record, or null. */
  peek(): QueueRecord | null {
    for (;;) {
      const size = this.sizes.get(this.cursor.segment) ?? 0;
      if (this.cursor.offset + HEADER <= size) break;
      const idx = this.segments.indexOf(this.cursor.segment);
      if (idx < 0 || idx === this.segments.length - 1) return null;
      this.moveCursor({ segment: this.segments[idx + 1], offset: 0 });
    }
    const fd = this.readerFor(this.cursor.segment);
    const header = Buffer.allocUnsafe(HEADER);
    readSync(fd, header, 0, HEADER, this.cursor.offset);
    const len = header.readUInt32LE(0);
    const payload = Buffer.allocUnsafe(len);
    readSync(fd, payload, 0, len, this.cursor.offset + HEADER);
    this.peekedLength = len;
    return { payload, weight: header.readUInt32LE(8) };
  }

  /** Marks the record returned by peek() as delivered. */
  ack(): void {
    let len = this.peekedLength;
    if (len < 0) {
      const header = Buffer.allocUnsafe(HEADER);
      readSync(this.readerFor(this.cursor.segment), header, 0, HEADER, this.cursor.offset);
      len = header.readUInt32LE(0);
    }
    this.peekedLength = -1;
    this.cursor.offset += HEADER + len;
    this.dropDelivered();
    this.saveCursorSoon();
  }

  close(): void {
    if (this.writeFd >= 0) closeSync(this.writeFd);
    this.writeFd = -1;
    this.closeReader();
    if (this.cursorTimer) clearTimeout(this.cursorTimer);
    this.cursorTimer = null;
    this.writeCursor();
  }

  private readerFor(segment: number): number {
    if (this.readSegment !== segment) {
      this.closeReader();
      this.readFd = openSync(join(this.options.dir, segName(segment)), 'r');
      this.readSegment = segment;
    }
    return this.readFd;
  }

  private closeReader(): void {
    if (this.readFd >= 0) closeSync(this.readFd);
    this.readFd = -1;
    this.readSegment = -1;
  }

  private moveCursor(to: Cursor): void {
    this.cursor = to;
    this.peekedLength = -1;
  }

  /** Writes the read position now if it has not been written for a while, else a little later. */
  private saveCursorSoon(): void {
    const now = Date.now();
    if (now - this.cursorWrittenAt >= CURSOR_EVERY_MS) {
      if (this.cursorTimer) clearTimeout(this.cursorTimer);
      this.cursorTimer = null;
      this.writeCursor();
    } else if (!this.cursorTimer) {
      this.cursorTimer = setTimeout(() => {
        this.cursorTimer = null;
        if (this.writeFd >= 0) this.writeCursor();
      }, CURSOR_EVERY_MS);
      this.cursorTimer.unref();
    }
  }

  private rotate(): void {
    closeSync(this.writeFd);
    const next = this.segments[this.segments.length - 1] + 1;
    this.segments.push(next);
    this.sizes.set(next, 0);
    this.writeFd = openSync(join(this.options.dir, segName(next)), 'a+');
  }

  /** Deletes segments the cursor has fully passed. */
  private dropDelivered(): void {
    while (this.segments.length > 1 && this.segments[0] !== this.cursor.segment) {
      this.removeSegment(this.segments[0]);
    }
  }

  private enforceCap(): void {
    while (this.bytes > this.options.maxBytes && this.segments.length > 1) {
      const oldest = this.segments[0];
      const from = this.cursor.segment === oldest ? this.cursor.offset : 0;
      this.droppedWeight += this.weightFrom(oldest, from);
      this.removeSegment(oldest);
      if (this.cursor.segment === oldest) this.moveCursor({ segment: this.segments[0], offset: 0 });
    }
  }

  private removeSegment(n: number): void {
    if (this.readSegment === n) this.closeReader();
    unlinkSync(join(this.options.dir, segName(n)));
    this.segments.shift();
    this.sizes.delete(n);
  }

  private weightFrom(segment: number, offset: number): number {
    const data = readFileSync(join(this.options.dir, segName(segment)));
    let weight = 0;
    for (let pos = offset; pos + HEADER <= data.length; ) {
      weight += data.readUInt32LE(pos + 8);
      pos += HEADER + data.readUInt32LE(pos);
    }
    return weight;
  }

  /** Length of the prefix of whole, checksummed records. */
  private validLength(segment: number): number {
    const data = readFileSync(join(this.options.dir, segName(segment)));
    let pos = 0;
    while (pos + HEADER <= data.length) {
      const len = data.readUInt32LE(pos);
      if (pos + HEADER + len > data.length) break;
      if (crc32(data.subarray(pos + HEADER, pos + HEADER + len)) !== data.readUInt32LE(pos + 4)) break;
      pos += HEADER + len;
    }
    return pos;
  }

  private readCursor(): Cursor {
    try {
      const c = JSON.parse(readFileSync(join(this.options.dir, 'cursor.json'), 'utf8')) as Cursor;
      if (Number.isInteger(c.segment) && Number.isInteger(c.offset)) return c;
    } catch {
      // no cursor yet, or a torn one: start from the oldest segment
    }
    return { segment: this.segments[0] ?? 1, offset: 0 };
  }

  private writeCursor(): void {
    this.cursorWrittenAt = Date.now();
    const tmp = join(this.options.dir, 'cursor.json.tmp');
    writeFileSync(tmp, JSON.stringify(this.cursor));
    renameSync(tmp, join(this.options.dir, 'cursor.json'));
  }
}
