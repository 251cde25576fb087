// Picks the host collectors the config enables and this host can run, and
// says which are off and why. On Linux they read /proc and /sys; elsewhere
// they fall back to Node's os module.
import type { SondeConfig } from '../config/schema.js';
import { createOsModuleCollectors } from './fallback/os-module.js';
import { createGpuCollector } from './gpu/nvidia-smi.js';
import {
  createLinuxCollector,
  DEFAULT_PATHS,
  type HostPaths,
  LINUX_COLLECTORS,
  LINUX_NOT_IMPLEMENTED,
  type LinuxCollectorOptions,
} from './linux/index.js';
import type { Collector } from './types.js';

export type CollectConfig = SondeConfig['collect'];

export interface OffCollector {
  readonly name: string;
  readonly reason: string;
}

export interface HostCollectorOptions {
  /** Overrides config.procfs/sysfs/rootfs (tests point these at fixtures). */
  readonly paths?: Partial<HostPaths>;
  /** Defaults to process.platform. */
  readonly platform?: NodeJS.Platform;
  /** Leave the gpu collector out (tests, or a caller that adds its own). */
  readonly gpu?: boolean;
}

export interface HostCollectors {
  /** Enabled and able to run here, in a stable order. */
  readonly collectors: Collector[];
  /** Known collectors that will not run, each with the reason. */
  readonly off: OffCollector[];
}

/** Whether `name` runs under the config's enabled/disabled lists. */
export function isEnabled(config: Pick<CollectConfig, 'enabled' | 'disabled'>, name: string): boolean {
  if (config.disabled.includes(name)) return false;
  return config.enabled.length === 0 || config.enabled.includes(name);
}

export function linuxOptions(config: CollectConfig): LinuxCollectorOptions {
  return {
    filesystem: {
      mountPointsExclude: config.filesystem.mount_points_exclude,
      fsTypesExclude: config.filesystem.fs_types_exclude,
    },
    diskstats: {
      deviceExclude: config.diskstats.device_exclude,
      deviceInclude: config.diskstats.device_include,
    },
    netdev: { deviceExclude: config.netdev.device_exclude, deviceInclude: config.netdev.device_include },
  };
}

/** The host collectors (node_exporter's set, and gpu) for this config and host. */
export async function createHostCollectors(
  config: CollectConfig,
  options: HostCollectorOptions = {},
): Promise<HostCollectors> {
  const platform = options.platform ?? process.platform;
  const collectors: Collector[] = [];
  const off: OffCollector[] = [];
  const candidates: Collector[] = [];

  if (platform === 'linux') {
    const paths: HostPaths = {
      procfs: options.paths?.procfs ?? config.procfs ?? DEFAULT_PATHS.procfs,
      sysfs: options.paths?.sysfs ?? config.sysfs ?? DEFAULT_PATHS.sysfs,
      rootfs: options.paths?.rootfs ?? config.rootfs ?? DEFAULT_PATHS.rootfs,
    };
    const o = linuxOptions(config);
    for (const name of LINUX_COLLECTORS) {
      if (isEnabled(config, name)) candidates.push(createLinuxCollector(name, paths, o));
      else off.push({ name, reason: 'disabled in the config' });
    }
    for (const [name, reason] of Object.entries(LINUX_NOT_IMPLEMENTED)) off.push({ name, reason });
  } else {
    const fallback = createOsModuleCollectors();
    const have = new Set(fallback.map((c) => c.name));
    for (const c of fallback) {
      if (isEnabled(config, c.name)) candidates.push(c);
      else off.push({ name: c.name, reason: 'disabled in the config' });
    }
    for (const name of LINUX_COLLECTORS) {
      if (!have.has(name)) off.push({ name, reason: `not Linux (${platform}): needs /proc and /sys` });
    }
  }
  if (options.gpu !== false) {
    if (isEnabled(config, 'gpu')) candidates.push(createGpuCollector({ command: config.nvidia_smi }));
    else off.push({ name: 'gpu', reason: 'disabled in the config' });
  }

  const reasons = await Promise.all(
    candidates.map((c) => c.unavailableReason().catch((e: Error) => e.message)),
  );
  candidates.forEach((c, i) => {
    const r = reasons[i];
    if (r === null) collectors.push(c);
    else off.push({ name: c.name, reason: r });
  });
  off.sort((a, b) => a.name.localeCompare(b.name));
  return { collectors, off };
}
