// Every Linux host collector, by the name node_exporter gives it.
import type { Collector } from '../types.js';
import { createArpCollector } from './arp.js';
import { createConntrackCollector } from './conntrack.js';
import { createCpuCollector } from './cpu.js';
import { createDiskstatsCollector, type DiskstatsOptions } from './diskstats.js';
import { createEntropyCollector } from './entropy.js';
import { createFilefdCollector } from './filefd.js';
import { createFilesystemCollector, type FilesystemOptions } from './filesystem.js';
import { createLoadavgCollector } from './loadavg.js';
import { createMeminfoCollector } from './meminfo.js';
import { createNetclassCollector, type NetclassOptions } from './netclass.js';
import { createNetdevCollector, type NetdevOptions } from './netdev.js';
import { createNetstatCollector } from './netstat.js';
import { createOsReleaseCollector } from './os-release.js';
import type { HostPaths } from './paths.js';
import { createPressureCollector } from './pressure.js';
import { createSchedstatCollector } from './schedstat.js';
import { createSockstatCollector } from './sockstat.js';
import { createSoftnetCollector } from './softnet.js';
import { createStatCollector } from './stat.js';
import { createTimeCollector } from './time.js';
import { createUdpQueuesCollector } from './udp-queues.js';
import { createUnameCollector } from './uname.js';
import { createVmstatCollector } from './vmstat.js';

export type { HostPaths } from './paths.js';
export { DEFAULT_PATHS } from './paths.js';

export interface LinuxCollectorOptions {
  readonly diskstats?: DiskstatsOptions;
  readonly filesystem?: FilesystemOptions;
  readonly netdev?: NetdevOptions;
  readonly netclass?: NetclassOptions;
  readonly vmstatFields?: string;
  readonly netstatFields?: string;
}

/** Names of the Linux host collectors, in the order they are listed and run. */
export const LINUX_COLLECTORS = [
  'arp',
  'conntrack',
  'cpu',
  'diskstats',
  'entropy',
  'filefd',
  'filesystem',
  'loadavg',
  'meminfo',
  'netclass',
  'netdev',
  'netstat',
  'os',
  'pressure',
  'schedstat',
  'sockstat',
  'softnet',
  'stat',
  'time',
  'udp_queues',
  'uname',
  'vmstat',
] as const;

export type LinuxCollectorName = (typeof LINUX_COLLECTORS)[number];

/**
 * Collectors of node_exporter's default set that sonde does not have, and why;
 * listed so `sonde collect` can say they are off rather than leave it unsaid.
 */
export const LINUX_NOT_IMPLEMENTED: Readonly<Record<string, string>> = {
  timex: 'needs the adjtimex system call, which Node cannot make',
};

export function createLinuxCollector(
  name: LinuxCollectorName,
  paths: HostPaths,
  o: LinuxCollectorOptions = {},
): Collector {
  switch (name) {
    case 'arp':
      return createArpCollector(paths);
    case 'conntrack':
      return createConntrackCollector(paths);
    case 'cpu':
      return createCpuCollector(paths);
    case 'diskstats':
      return createDiskstatsCollector(paths, o.diskstats);
    case 'entropy':
      return createEntropyCollector(paths);
    case 'filefd':
      return createFilefdCollector(paths);
    case 'filesystem':
      return createFilesystemCollector(paths, o.filesystem);
    case 'loadavg':
      return createLoadavgCollector(paths);
    case 'meminfo':
      return createMeminfoCollector(paths);
    case 'netclass':
      return createNetclassCollector(paths, o.netclass);
    case 'netdev':
      return createNetdevCollector(paths, o.netdev);
    case 'netstat':
      return createNetstatCollector(paths, o.netstatFields);
    case 'os':
      return createOsReleaseCollector(paths);
    case 'pressure':
      return createPressureCollector(paths);
    case 'schedstat':
      return createSchedstatCollector(paths);
    case 'sockstat':
      return createSockstatCollector(paths);
    case 'softnet':
      return createSoftnetCollector(paths);
    case 'stat':
      return createStatCollector(paths);
    case 'time':
      return createTimeCollector(paths);
    case 'udp_queues':
      return createUdpQueuesCollector(paths);
    case 'uname':
      return createUnameCollector(paths);
    case 'vmstat':
      return createVmstatCollector(paths, o.vmstatFields);
  }
}
