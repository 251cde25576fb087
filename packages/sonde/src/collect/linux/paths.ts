// Where the Linux collectors read the kernel's files, so tests can point them
// at recorded fixtures and a containerised sonde at the host's /proc and /sys.
import { join } from 'node:path';

export interface HostPaths {
  /** procfs mount, default /proc. */
  readonly procfs: string;
  /** sysfs mount, default /sys. */
  readonly sysfs: string;
  /** The host's root filesystem, default / (for mount points, /etc/os-release, udev data). */
  readonly rootfs: string;
}

export const DEFAULT_PATHS: HostPaths = { procfs: '/proc', sysfs: '/sys', rootfs: '/' };

export function proc(p: HostPaths, rel: string): string {
  return join(p.procfs, rel);
}

export function sys(p: HostPaths, rel: string): string {
  return join(p.sysfs, rel);
}

export function root(p: HostPaths, rel: string): string {
  return join(p.rootfs, rel);
}
