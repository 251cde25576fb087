// node_exporter's `filesystem` collector: size, free, available, inodes and
// read-only state of each mount in /proc/1/mounts, through statfs(2), skipping
// pseudo filesystems and system mount points with node_exporter's default
// patterns. A statfs that hangs (a dead network mount) is not waited on again:
// the mount reports node_filesystem_device_error 1 until that call returns.
import { statfs } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import type { Labels } from '../../storage/types.js';
import { FamilySet, LabelCache } from '../lib/family.js';
import { FileReader } from '../lib/reader.js';
import type { Collector, MetricFamily } from '../types.js';
import { type HostPaths, proc } from './paths.js';

export const DEFAULT_MOUNT_POINTS_EXCLUDE =
  '^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)';
export const DEFAULT_FS_TYPES_EXCLUDE =
  '^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$';

export interface FilesystemOptions {
  readonly mountPointsExclude?: string;
  readonly fsTypesExclude?: string;
  /** statfs stand-in for tests. */
  readonly statfs?: (path: string) => Promise<{
    bsize: number;
    blocks: number;
    bfree: number;
    bavail: number;
    files: number;
    ffree: number;
  }>;
}

export interface MountEntry {
  device: string;
  mountPoint: string;
  fsType: string;
  options: string;
}

/** Parses /proc/mounts lines (octal escapes \040 and \011 in mount points undone, as fstab(5) says). */
export function parseMounts(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const parts = line.split(/\s+/);
    if (parts.length < 4) throw new Error(`malformed mount point information: ${JSON.stringify(line)}`);
    out.push({
      device: parts[0],
      mountPoint: parts[1].replaceAll('\\040', ' ').replaceAll('\\011', '\t'),
      fsType: parts[2],
      options: parts[3],
    });
  }
  return out;
}

const STAT_FAMILIES = [
  ['node_filesystem_size_bytes', 'Filesystem size in bytes.'],
  ['node_filesystem_free_bytes', 'Filesystem free space in bytes.'],
  ['node_filesystem_avail_bytes', 'Filesystem space available to non-root users in bytes.'],
  ['node_filesystem_files', 'Filesystem total file nodes.'],
  ['node_filesystem_files_free', 'Filesystem total free file nodes.'],
  ['node_filesystem_readonly', 'Filesystem read-only status.'],
] as const;

export function createFilesystemCollector(paths: HostPaths, opts: FilesystemOptions = {}): Collector {
  const reader = new FileReader();
  const mountsPaths = [proc(paths, '1/mounts'), proc(paths, 'mounts')];
  const mpExclude = new RegExp(opts.mountPointsExclude ?? DEFAULT_MOUNT_POINTS_EXCLUDE);
  const fsExclude = new RegExp(opts.fsTypesExclude ?? DEFAULT_FS_TYPES_EXCLUDE);
  const doStatfs = opts.statfs ?? ((p: string) => statfs(p));
  const rootPrefix = paths.rootfs.replace(/\/+$/, '');
  const labelCache = new LabelCache();
  /** Mount points whose statfs has not returned yet. */
  const stuck = new Set<string>();
  let lastText = '';
  let lastMounts: MountEntry[] = [];

  function readMounts(): MountEntry[] {
    let text: string | null = null;
    for (const p of mountsPaths) {
      text = reader.tryText(p);
      if (text !== null) break;
    }
    if (text === null) throw new Error(`cannot read ${mountsPaths.join(' or ')}`);
    if (text !== lastText) {
      lastText = text;
      lastMounts = parseMounts(text).map((m) => ({
        ...m,
        mountPoint:
          rootPrefix && m.mountPoint.startsWith(rootPrefix)
            ? m.mountPoint.slice(rootPrefix.length) || '/'
            : m.mountPoint,
      }));
    }
    return lastMounts;
  }

  async function collect(signal: AbortSignal): Promise<MetricFamily[]> {
    const seen = new Set<Labels>();
    const jobs: Promise<void>[] = [];
    const results: { labels: Labels; ro: number; st: Awaited<ReturnType<typeof doStatfs>> | null }[] = [];
    for (const m of readMounts()) {
      if (mpExclude.test(m.mountPoint) || fsExclude.test(m.fsType)) continue;
      const labels = labelCache.get(`${m.device}\u0000${m.mountPoint}\u0000${m.fsType}`, () => ({
        device: m.device,
        fstype: m.fsType,
        mountpoint: m.mountPoint,
      }));
      if (seen.has(labels)) continue;
      seen.add(labels);
      const ro = /(^|,)ro(,|$)/.test(m.options) ? 1 : 0;
      const entry: (typeof results)[number] = { labels, ro, st: null };
      results.push(entry);
      if (stuck.has(m.mountPoint)) continue;
      const target = rootPrefix ? rootPrefix + m.mountPoint : m.mountPoint;
      stuck.add(m.mountPoint);
      const call = doStatfs(target).then(
        (st) => {
          stuck.delete(m.mountPoint);
          entry.st = st;
        },
        () => {
          stuck.delete(m.mountPoint);
        },
      );
      jobs.push(call);
    }
    // Wait for the statfs calls, but no longer than the cycle allows.
    await new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      signal.addEventListener('abort', done, { once: true });
      Promise.all(jobs).then(done);
    });
    const fams = new FamilySet();
    for (const r of results) {
      const st = r.st;
      fams.add(
        'node_filesystem_device_error',
        'Whether an error occurred while getting statistics for the given device.',
        'gauge',
        r.labels,
        st ? 0 : 1,
      );
      if (!st) continue;
      const values = [
        st.blocks * st.bsize,
        st.bfree * st.bsize,
        st.bavail * st.bsize,
        st.files,
        st.ffree,
        r.ro,
      ];
      for (let i = 0; i < STAT_FAMILIES.length; i++) {
        fams.add(STAT_FAMILIES[i][0], STAT_FAMILIES[i][1], 'gauge', r.labels, values[i]);
      }
    }
    return fams.toArray();
  }

  return {
    name: 'filesystem',
    async unavailableReason() {
      return mountsPaths.some((p) => existsSync(p)) ? null : `${mountsPaths.join(' or ')} not found`;
    },
    collect,
  };
}
