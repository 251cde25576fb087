// node_exporter's `diskstats` collector: /proc/diskstats per block device
// (partitions and ram/loop devices skipped by the default pattern), with
// node_disk_info and, where udev has recorded them, filesystem, device-mapper
// and ATA details.
import type { Labels } from '../../storage/types.js';
import { FamilySet, LabelCache } from '../lib/family.js';
import { FileReader } from '../lib/reader.js';
import type { Collector, MetricFamily } from '../types.js';
import { linuxCollector } from './base.js';
import { type HostPaths, proc, root } from './paths.js';

export const DEFAULT_DISKSTATS_EXCLUDE = '^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$';

const SECONDS_PER_TICK = 1 / 1000;
const SECTOR = 512;
/** How long udev properties of a device are trusted before being read again. */
const UDEV_TTL_MS = 60_000;

const STATS: readonly [name: string, help: string, type: 'counter' | 'gauge', scale: number][] = [
  ['node_disk_reads_completed_total', 'The total number of reads completed successfully.', 'counter', 1],
  ['node_disk_reads_merged_total', 'The total number of reads merged.', 'counter', 1],
  ['node_disk_read_bytes_total', 'The total number of bytes read successfully.', 'counter', SECTOR],
  [
    'node_disk_read_time_seconds_total',
    'The total number of seconds spent by all reads.',
    'counter',
    SECONDS_PER_TICK,
  ],
  ['node_disk_writes_completed_total', 'The total number of writes completed successfully.', 'counter', 1],
  ['node_disk_writes_merged_total', 'The number of writes merged.', 'counter', 1],
  ['node_disk_written_bytes_total', 'The total number of bytes written successfully.', 'counter', SECTOR],
  [
    'node_disk_write_time_seconds_total',
    'This is the total number of seconds spent by all writes.',
    'counter',
    SECONDS_PER_TICK,
  ],
  ['node_disk_io_now', 'The number of I/Os currently in progress.', 'gauge', 1],
  ['node_disk_io_time_seconds_total', 'Total seconds spent doing I/Os.', 'counter', SECONDS_PER_TICK],
  [
    'node_disk_io_time_weighted_seconds_total',
    'The weighted # of seconds spent doing I/Os.',
    'counter',
    SECONDS_PER_TICK,
  ],
  [
    'node_disk_discards_completed_total',
    'The total number of discards completed successfully.',
    'counter',
    1,
  ],
  ['node_disk_discards_merged_total', 'The total number of discards merged.', 'counter', 1],
  ['node_disk_discarded_sectors_total', 'The total number of sectors discarded successfully.', 'counter', 1],
  [
    'node_disk_discard_time_seconds_total',
    'This is the total number of seconds spent by all discards.',
    'counter',
    SECONDS_PER_TICK,
  ],
  [
    'node_disk_flush_requests_total',
    'The total number of flush requests completed successfully',
    'counter',
    1,
  ],
  [
    'node_disk_flush_requests_time_seconds_total',
    'This is the total number of seconds spent by all flush requests.',
    'counter',
    SECONDS_PER_TICK,
  ],
];

const ATA: readonly [prop: string, name: string, help: string][] = [
  ['ID_ATA_WRITE_CACHE', 'node_disk_ata_write_cache', 'ATA disk has a write cache.'],
  [
    'ID_ATA_WRITE_CACHE_ENABLED',
    'node_disk_ata_write_cache_enabled',
    'ATA disk has its write cache enabled.',
  ],
  [
    'ID_ATA_ROTATION_RATE_RPM',
    'node_disk_ata_rotation_rate_rpm',
    'ATA disk rotation rate in RPMs (0 for SSDs).',
  ],
];

interface DeviceMeta {
  readAt: number;
  info: Labels;
  fsInfo: Labels | null;
  dmInfo: Labels | null;
  ata: [name: string, help: string, value: number][];
}

export interface DiskstatsOptions {
  /** Regex of device names to skip. */
  readonly deviceExclude?: string;
  /** Regex of device names to keep (exclusive with deviceExclude). */
  readonly deviceInclude?: string;
  /** udev's database, default <rootfs>/run/udev/data. */
  readonly udevDataPath?: string;
}

export function parseUdevProperties(text: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('E:')) continue;
    const eq = line.indexOf('=');
    if (eq > 2) props.set(line.slice(2, eq), line.slice(eq + 1));
  }
  return props;
}

export function createDiskstatsCollector(paths: HostPaths, opts: DiskstatsOptions = {}): Collector {
  const reader = new FileReader(32 * 1024);
  const udevReader = new FileReader(4096);
  const path = proc(paths, 'diskstats');
  const udevDir = opts.udevDataPath ?? root(paths, 'run/udev/data');
  const include = opts.deviceInclude ? new RegExp(opts.deviceInclude) : null;
  const exclude = include ? null : new RegExp(opts.deviceExclude ?? DEFAULT_DISKSTATS_EXCLUDE);
  const ignored = new Map<string, boolean>();
  const devLabels = new LabelCache();
  const meta = new Map<string, DeviceMeta>();

  function isIgnored(dev: string): boolean {
    let v = ignored.get(dev);
    if (v === undefined) {
      v = include ? !include.test(dev) : exclude!.test(dev);
      ignored.set(dev, v);
    }
    return v;
  }

  function deviceMeta(dev: string, major: string, minor: string, now: number): DeviceMeta {
    const key = `${dev}\u0000${major}:${minor}`;
    const m = meta.get(key);
    if (m && now - m.readAt < UDEV_TTL_MS) return m;
    const text = udevReader.tryText(`${udevDir}/b${major}:${minor}`);
    const p = text ? parseUdevProperties(text) : new Map<string, string>();
    const g = (k: string) => p.get(k) ?? '';
    const fsType = g('ID_FS_TYPE');
    const dmName = g('DM_NAME');
    const ata: [string, string, number][] = [];
    if (g('ID_ATA') !== '') {
      for (const [prop, name, help] of ATA) {
        const v = p.get(prop);
        if (v !== undefined && v !== '' && !Number.isNaN(Number(v))) ata.push([name, help, Number(v)]);
      }
    }
    const fresh: DeviceMeta = {
      readAt: now,
      info: Object.freeze({
        device: dev,
        major,
        minor,
        path: g('ID_PATH'),
        wwn: g('ID_WWN'),
        model: g('ID_MODEL'),
        serial: g('ID_SERIAL_SHORT'),
        revision: g('ID_REVISION'),
      }),
      fsInfo:
        fsType !== ''
          ? Object.freeze({
              device: dev,
              type: fsType,
              usage: g('ID_FS_USAGE'),
              uuid: g('ID_FS_UUID'),
              version: g('ID_FS_VERSION'),
            })
          : null,
      dmInfo:
        dmName !== ''
          ? Object.freeze({
              device: dev,
              name: dmName,
              uuid: g('DM_UUID'),
              vg_name: g('DM_VG_NAME'),
              lv_name: g('DM_LV_NAME'),
              lv_layer: g('DM_LV_LAYER'),
            })
          : null,
      ata,
    };
    meta.set(key, fresh);
    return fresh;
  }

  function collect(): MetricFamily[] {
    const now = Date.now();
    const s = reader.scan(path);
    const fams = new FamilySet();
    // node_disk_info first, as node_exporter orders it; the stat families follow.
    const info = new FamilySet();
    while (s.nextLine()) {
      if (!s.field()) continue;
      const major = s.str();
      if (!s.field()) continue;
      const minor = s.str();
      if (!s.field()) continue;
      const dev = s.str();
      if (isIgnored(dev)) continue;
      const m = deviceMeta(dev, major, minor, now);
      info.add('node_disk_info', 'Info of /sys/block/<block_device>.', 'gauge', m.info, 1);
      const labels = devLabels.one('device', dev);
      for (let i = 0; i < STATS.length; i++) {
        if (!s.field()) break;
        const [name, help, type, scale] = STATS[i];
        fams.add(name, help, type, labels, s.num() * scale);
      }
      if (m.fsInfo)
        fams.add('node_disk_filesystem_info', 'Info about disk filesystem.', 'gauge', m.fsInfo, 1);
      if (m.dmInfo)
        fams.add('node_disk_device_mapper_info', 'Info about disk device mapper.', 'gauge', m.dmInfo, 1);
      for (const [name, help, value] of m.ata) fams.add(name, help, 'gauge', labels, value);
    }
    return [...info.toArray(), ...fams.toArray()];
  }

  return linuxCollector('diskstats', [path], collect);
}
