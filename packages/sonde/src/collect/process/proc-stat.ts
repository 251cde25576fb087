// One process's figures from /proc/<pid>/stat and /proc/<pid>/io.
import type { FileReader } from '../lib/reader.js';

/** USER_HZ: clock ticks per second in /proc/<pid>/stat, 100 on every Linux architecture. */
export const USER_HZ = 100;

export interface ProcStat {
  comm: string;
  minflt: number;
  majflt: number;
  /** Seconds. */
  utime: number;
  stime: number;
  numThreads: number;
  /** Seconds after boot. */
  starttime: number;
  vsize: number;
  /** Pages. */
  rss: number;
}

/** Parses /proc/<pid>/stat (the comm field may hold spaces and parentheses: split at the last ')'). */
export function readProcStat(reader: FileReader, path: string, out: ProcStat): boolean {
  let n: number;
  try {
    n = reader.read(path);
  } catch {
    return false;
  }
  const b = reader.buf;
  const open = b.indexOf(40 /* ( */);
  const close = b.lastIndexOf(41 /* ) */, n);
  if (open < 0 || close < open) return false;
  out.comm = b.toString('latin1', open + 1, close);
  const s = reader.scanner.reset(b, n);
  s.nextLine();
  s.pos = close + 1;
  // Fields after comm: state(3) ... ; field k is the (k-2)th token here.
  let k = 3;
  while (s.field()) {
    switch (k) {
      case 10:
        out.minflt = s.num();
        break;
      case 12:
        out.majflt = s.num();
        break;
      case 14:
        out.utime = s.num() / USER_HZ;
        break;
      case 15:
        out.stime = s.num() / USER_HZ;
        break;
      case 20:
        out.numThreads = s.num();
        break;
      case 22:
        out.starttime = s.num() / USER_HZ;
        break;
      case 23:
        out.vsize = s.num();
        break;
      case 24:
        out.rss = s.num();
        return true;
    }
    k++;
  }
  return false;
}

/** read_bytes and write_bytes from /proc/<pid>/io; false when not readable (another user's process). */
export function readProcIo(
  reader: FileReader,
  path: string,
  out: { readBytes: number; writeBytes: number },
): boolean {
  let s: ReturnType<FileReader['scan']>;
  try {
    s = reader.scan(path);
  } catch {
    return false;
  }
  let found = 0;
  while (s.nextLine()) {
    if (!s.field()) continue;
    if (s.is('read_bytes:')) {
      out.readBytes = s.nextNum();
      found++;
    } else if (s.is('write_bytes:')) {
      out.writeBytes = s.nextNum();
      found++;
    }
  }
  return found === 2;
}

export function newProcStat(): ProcStat {
  return {
    comm: '',
    minflt: 0,
    majflt: 0,
    utime: 0,
    stime: 0,
    numThreads: 0,
    starttime: 0,
    vsize: 0,
    rss: 0,
  };
}
