// The kernel's page size, which Node does not expose: read once from the
// first mapping's KernelPageSize in /proc/self/smaps, 4096 when unreadable.
import { closeSync, openSync, readSync } from 'node:fs';
import { type HostPaths, proc } from './paths.js';

let cached: number | null = null;

export function pageSize(paths: HostPaths): number {
  if (cached !== null) return cached;
  cached = 4096;
  try {
    const fd = openSync(proc(paths, 'self/smaps'), 'r');
    try {
      const buf = Buffer.alloc(4096);
      const n = readSync(fd, buf, 0, buf.length, null);
      const m = /KernelPageSize:\s+(\d+) kB/.exec(buf.toString('latin1', 0, n));
      if (m) cached = Number(m[1]) * 1024;
    } finally {
      closeSync(fd);
    }
  } catch {
    // keep 4096
  }
  return cached;
}
