// node_exporter's `netdev` collector: per-interface counters from
// /proc/net/dev (the same values node_exporter's netlink path reports under
// its legacy names), plus rx_nohandler from sysfs.
import { FamilySet, LabelCache } from '../lib/family.js';
import { FileReader } from '../lib/reader.js';
import type { Collector, MetricFamily } from '../types.js';
import { linuxCollector } from './base.js';
import { type HostPaths, proc, sys } from './paths.js';

/** The columns of /proc/net/dev in order, as node_network_<x>_total. */
const COLUMNS = [
  'receive_bytes',
  'receive_packets',
  'receive_errs',
  'receive_drop',
  'receive_fifo',
  'receive_frame',
  'receive_compressed',
  'receive_multicast',
  'transmit_bytes',
  'transmit_packets',
  'transmit_errs',
  'transmit_drop',
  'transmit_fifo',
  'transmit_colls',
  'transmit_carrier',
  'transmit_compressed',
] as const;

const NAMES = COLUMNS.map((c) => [`node_network_${c}_total`, `Network device statistic ${c}.`] as const);

export interface NetdevOptions {
  readonly deviceExclude?: string;
  readonly deviceInclude?: string;
}

export function createNetdevCollector(paths: HostPaths, opts: NetdevOptions = {}): Collector {
  const reader = new FileReader();
  const small = new FileReader(64);
  const path = proc(paths, 'net/dev');
  const include = opts.deviceInclude ? new RegExp(opts.deviceInclude) : null;
  const exclude = !include && opts.deviceExclude ? new RegExp(opts.deviceExclude) : null;
  const ignored = new Map<string, boolean>();
  const labels = new LabelCache();
  const nohandlerPath = new Map<string, string>();

  function isIgnored(dev: string): boolean {
    let v = ignored.get(dev);
    if (v === undefined) {
      v = include ? !include.test(dev) : exclude ? exclude.test(dev) : false;
      ignored.set(dev, v);
    }
    return v;
  }

  function collect(): MetricFamily[] {
    const s = reader.scan(path);
    const fams = new FamilySet();
    const devices: string[] = [];
    s.nextLine();
    s.nextLine(); // two header lines
    while (s.nextLine()) {
      if (!s.fieldSep(58 /* : */)) continue;
      let a = s.s;
      while (a < s.e && s.buf[a] === 32) a++;
      const dev = s.buf.toString('latin1', a, s.e);
      if (isIgnored(dev)) continue;
      const l = labels.one('device', dev);
      for (let i = 0; i < COLUMNS.length; i++) {
        if (!s.field()) break;
        fams.add(NAMES[i][0], NAMES[i][1], 'counter', l, s.num());
      }
      devices.push(dev);
    }
    for (const dev of devices) {
      let p = nohandlerPath.get(dev);
      if (p === undefined) {
        p = sys(paths, `class/net/${dev}/statistics/rx_nohandler`);
        nohandlerPath.set(dev, p);
      }
      const v = small.num(p);
      if (!Number.isNaN(v))
        fams.add(
          'node_network_receive_nohandler_total',
          'Network device statistic receive_nohandler.',
          'counter',
          labels.one('device', dev),
          v,
        );
    }
    return fams.toArray();
  }
  return linuxCollector('netdev', [path], collect);
}
