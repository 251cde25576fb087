// The write-ahead log: numbered segment files of CRC-framed records. Commits
// are grouped: everything queued while one group is being written goes out
// in the next single durable write, and each entry's `onDurable` runs, in
// order, only after its bytes are on disk. Segments are opened O_DSYNC where
// the platform has it, so a group costs one trip to the thread pool instead
// of two (write, then fdatasync), each of which waited for the event loop.
// A failed write (disk full) fails that group with a clear error and
// truncates the torn tail, so later records are never hidden behind garbage.
import { constants, closeSync, fsyncSync, openSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { fdatasync, ftruncate, write } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

export const SEGMENT_BYTES = 64 * 1024 * 1024;
const HEADER = 8;

/** The file operations the log uses; tests swap in failing ones to simulate a full disk. */
export interface WalIo {
  /** Writes at the end of the segment: durable when it returns where segments are opened O_DSYNC. */
  write(fd: number, buf: Uint8Array, cb: (err: NodeJS.ErrnoException | null, written: number) => void): void;
  fdatasync(fd: number, cb: (err: NodeJS.ErrnoException | null) => void): void;
}

/** O_DSYNC where the platform defines it (Linux, macOS): each write is durable when it returns. */
const DSYNC: number | undefined = constants.O_DSYNC;
const SEGMENT_FLAGS =
  DSYNC === undefined ? 'a' : constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | DSYNC;

export const realIo: WalIo = {
  write: (fd, buf, cb) => write(fd, buf, 0, buf.length, null, cb),
  fdatasync: (fd, cb) => fdatasync(fd, cb),
};

/** Makes a directory's entries (new or renamed files) durable. */
export function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function segmentName(n: number): string {
  return String(n).padStart(8, '0');
}

export function listSegments(dir: string): number[] {
  return readdirSync(dir)
    .filter((f) => /^\d{8}$/.test(f))
    .map(Number)
    .sort((a, b) => a - b);
}

/** Frames a record payload: length, CRC-32 of the payload, payload. */
export function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + HEADER);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, payload.length, true);
  dv.setUint32(4, crc32(payload), true);
  out.set(payload, HEADER);
  return out;
}

/** Frames buf[start+8 .. end) in place, writing length and CRC into buf[start .. start+8). */
export function frameInPlace(buf: Uint8Array, start: number, end: number): void {
  const len = end - start - HEADER;
  const crc = crc32(buf.subarray(start + HEADER, end));
  const dv = new DataView(buf.buffer, buf.byteOffset + start, HEADER);
  dv.setUint32(0, len, true);
  dv.setUint32(4, crc, true);
}

export interface SegmentRead {
  records: Uint8Array[];
  /** Set when the segment ends in a torn or corrupt record (everything after it is ignored). */
  corruptAt: number | null;
}

export function readSegment(path: string): SegmentRead {
  const buf = readFileSync(path);
  const records: Uint8Array[] = [];
  let p = 0;
  while (p + HEADER <= buf.length) {
    const len = buf.readUInt32LE(p);
    const crc = buf.readUInt32LE(p + 4);
    if (len === 0 && crc === 0) break; // preallocated / zero tail
    if (p + HEADER + len > buf.length) return { records, corruptAt: p };
    const payload = buf.subarray(p + HEADER, p + HEADER + len);
    if (crc32(payload) !== crc) return { records, corruptAt: p };
    records.push(payload);
    p += HEADER + len;
  }
  return { records, corruptAt: p < buf.length && buf.length - p >= HEADER ? p : null };
}

interface Entry {
  bytes: Uint8Array;
  onDurable: () => void;
  onError: (err: Error) => void;
}

export class DiskFullError extends Error {
  readonly code = 'ENOSPC';
  constructor(cause: unknown) {
    super('disk full: the write-ahead log could not be written, the samples were not stored', { cause });
  }
}

export class Wal {
  private fd = -1;
  private size = 0;
  private queue: Entry[] = [];
  private busy = false;
  /** Inside a group's onDurable callbacks: a rotation then waits for them to finish. */
  private applying = false;
  private rotateHooks: ((closed: number | null) => void)[] = [];
  private broken = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly dir: string,
    public segment: number,
    private readonly io: WalIo = realIo,
  ) {
    this.open(segment);
  }

  private open(n: number): void {
    this.fd = openSync(join(this.dir, segmentName(n)), SEGMENT_FLAGS);
    this.segment = n;
    this.size = 0;
    syncDir(this.dir);
  }

  /** Moves to the next segment; on failure (disk full) stays where it is and returns the error. */
  private next(): Error | null {
    let fd: number;
    try {
      fd = openSync(join(this.dir, segmentName(this.segment + 1)), SEGMENT_FLAGS);
      syncDir(this.dir);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return e.code === 'ENOSPC' || e.code === 'EDQUOT' ? new DiskFullError(e) : e;
    }
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = fd;
    this.segment++;
    this.size = 0;
    this.broken = false;
    return null;
  }

  /** Queues framed bytes; `onDurable` runs once they are written and synced. */
  append(bytes: Uint8Array, onDurable: () => void, onError: (err: Error) => void): void {
    if (this.closed) {
      onError(new Error('storage is closed'));
      return;
    }
    this.queue.push({ bytes, onDurable, onError });
    if (!this.busy) this.flush();
  }

  /**
   * Closes the current segment between two groups, once everything written to
   * it is durable and applied, then calls `hook(closedSegment)` synchronously,
   * before any later entry is applied: the applied state then equals segments
   * ≤ closed. Entries still queued go to the next segment. If no new segment
   * can be made (disk full), the hook gets null.
   */
  rotate(hook: (closed: number | null) => void): void {
    this.rotateHooks.push(hook);
    if (!this.busy && !this.applying) this.flush();
  }

  private flush(): void {
    if (this.rotateHooks.length > 0 && !this.applying) {
      // between groups: everything written so far is applied, nothing later is
      const hooks = this.rotateHooks;
      this.rotateHooks = [];
      const closed = this.segment;
      const err = this.next();
      for (const h of hooks) h(err ? null : closed);
    }
    if (this.queue.length === 0) {
      this.busy = false;
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const f of w) f();
      return;
    }
    if (this.broken || this.size >= SEGMENT_BYTES) {
      const err = this.next();
      if (err && this.broken) {
        // the segment's tail could not be cut off: nothing more goes into it
        const group = this.queue;
        this.queue = [];
        for (const e of group) e.onError(err);
        this.flush();
        return;
      }
    }
    this.busy = true;
    const group = this.queue;
    this.queue = [];
    const total = group.reduce((n, e) => n + e.bytes.length, 0);
    let buf: Uint8Array;
    if (group.length === 1) buf = group[0].bytes;
    else {
      buf = Buffer.allocUnsafe(total);
      let p = 0;
      for (const e of group) {
        buf.set(e.bytes, p);
        p += e.bytes.length;
      }
    }
    const fd = this.fd;
    const start = this.size;
    const fail = (err: NodeJS.ErrnoException) => {
      const error = err.code === 'ENOSPC' || err.code === 'EDQUOT' ? new DiskFullError(err) : err;
      // cut off whatever part of the group reached the file
      ftruncate(fd, start, (terr) => {
        if (terr) this.broken = true;
        for (const e of group) e.onError(error);
        this.flush();
      });
    };
    const durable = () => {
      this.size = start + total;
      // The next group goes to the disk first, then this one is applied: the write overlaps
      // the apply, and no later entry can be applied before this group's (its callback comes
      // after this one's). With a rotation pending, it waits until this group is applied; a
      // rotation asked for while applying waits for the end of the apply.
      const rotating = this.rotateHooks.length > 0;
      if (!rotating) this.flush();
      this.applying = true;
      try {
        for (const e of group) e.onDurable();
      } finally {
        this.applying = false;
      }
      if (rotating || (!this.busy && this.rotateHooks.length > 0)) this.flush();
    };
    const writeFrom = (off: number) => {
      this.io.write(fd, buf.subarray(off), (err, n) => {
        if (err) return fail(err);
        if (off + n < buf.length) return writeFrom(off + n);
        if (DSYNC !== undefined) return durable();
        this.io.fdatasync(fd, (serr) => (serr ? fail(serr) : durable()));
      });
    };
    writeFrom(0);
  }

  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void> {
    if (!this.busy && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Deletes segments numbered ≤ n (they are covered by a checkpoint). */
  truncateThrough(n: number): void {
    for (const s of listSegments(this.dir)) {
      if (s <= n && s !== this.segment) unlinkSync(join(this.dir, segmentName(s)));
    }
  }

  async close(): Promise<void> {
    await this.idle();
    this.closed = true;
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
