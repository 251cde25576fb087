// Reads small kernel files (/proc, /sys) into one buffer that is kept and
// reused, so a collection cycle allocates next to nothing for its input.
// Reads are synchronous on purpose: procfs and sysfs are generated from kernel
// memory and never wait on a disk, and a synchronous read costs a fraction of
// an asynchronous one. Anything that can block (statfs on a network mount,
// a child process) is asynchronous and bounded by the cycle's timeout.
import { closeSync, openSync, readSync } from 'node:fs';
import { Scanner } from './scan.js';

export class FileReader {
  buf: Buffer;
  readonly scanner = new Scanner();

  constructor(initialBytes = 16 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Reads the whole file into `buf`; returns its length. Throws as fs does (ENOENT, EACCES, ...). */
  read(path: string): number {
    const fd = openSync(path, 'r');
    try {
      let n = 0;
      for (;;) {
        if (n === this.buf.length) {
          const grown = Buffer.allocUnsafe(this.buf.length * 2);
          this.buf.copy(grown, 0, 0, n);
          this.buf = grown;
        }
        const r = readSync(fd, this.buf, n, this.buf.length - n, null);
        if (r === 0) return n;
        n += r;
      }
    } finally {
      closeSync(fd);
    }
  }

  /** Reads the file and returns the scanner positioned before its first line. */
  scan(path: string): Scanner {
    const n = this.read(path);
    return this.scanner.reset(this.buf, n);
  }

  /** Like scan, but null when the file does not exist (or cannot be read as the error codes list). */
  tryScan(path: string): Scanner | null {
    try {
      return this.scan(path);
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  /** The file's content as a string, without the trailing newline. */
  text(path: string): string {
    let n = this.read(path);
    while (n > 0 && (this.buf[n - 1] === 10 || this.buf[n - 1] === 32)) n--;
    return this.buf.toString('latin1', 0, n);
  }

  /** The file's content as text, or null if it cannot be read (absent, EINVAL on a down link, ...). */
  tryText(path: string): string | null {
    try {
      return this.text(path);
    } catch {
      return null;
    }
  }

  /** The file's content as a number; NaN if it cannot be read or parsed. */
  num(path: string): number {
    try {
      let n = this.read(path);
      while (n > 0 && (this.buf[n - 1] === 10 || this.buf[n - 1] === 32)) n--;
      if (n === 0) return Number.NaN;
      const s = this.scanner.reset(this.buf, n);
      s.nextLine();
      return s.field() ? s.num() : Number.NaN;
    } catch {
      return Number.NaN;
    }
  }
}

/** Errors that mean "this file or feature is not here", as opposed to a failure. */
export function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EOPNOTSUPP' || code === 'ENOTSUP';
}
