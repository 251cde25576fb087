// node_exporter's `netclass` collector: link state and properties of each
// interface from /sys/class/net/<iface> (up, carrier, speed, MTU, ...).
import { readdirSync } from 'node:fs';
import { FamilySet, LabelCache } from '../lib/family.js';
import { FileReader } from '../lib/reader.js';
import type { Collector, MetricFamily } from '../types.js';
import { linuxCollector } from './base.js';
import { type HostPaths, sys } from './paths.js';

/** sysfs file → node_network_<name>; the type is gauge unless marked counter. */
const FIELDS: readonly [file: string, name: string, counter: boolean][] = [
  ['addr_assign_type', 'address_assign_type', false],
  ['carrier', 'carrier', false],
  ['carrier_changes', 'carrier_changes_total', true],
  ['carrier_up_count', 'carrier_up_changes_total', true],
  ['carrier_down_count', 'carrier_down_changes_total', true],
  ['dev_id', 'device_id', false],
  ['dormant', 'dormant', false],
  ['flags', 'flags', false],
  ['ifindex', 'iface_id', false],
  ['iflink', 'iface_link', false],
  ['link_mode', 'iface_link_mode', false],
  ['mtu', 'mtu_bytes', false],
  ['name_assign_type', 'name_assign_type', false],
  ['netdev_group', 'net_dev_group', false],
];

export interface NetclassOptions {
  /** Regex of interfaces to skip (node_exporter's --collector.netclass.ignored-devices). */
  readonly ignoredDevices?: string;
}

export function createNetclassCollector(paths: HostPaths, opts: NetclassOptions = {}): Collector {
  const reader = new FileReader(256);
  const dir = sys(paths, 'class/net');
  const ignore = opts.ignoredDevices ? new RegExp(opts.ignoredDevices) : null;
  const labels = new LabelCache();
  const infoLabels = new LabelCache();

  function collect(): MetricFamily[] {
    const fams = new FamilySet();
    const ifaces = readdirSync(dir).sort();
    for (const iface of ifaces) {
      if (ignore?.test(iface)) continue;
      const base = `${dir}/${iface}/`;
      const l = labels.one('device', iface);
      const operstate = reader.tryText(`${base}operstate`) ?? '';
      fams.add(
        'node_network_up',
        "Value is 1 if operstate is 'up', 0 otherwise.",
        'gauge',
        l,
        operstate === 'up' ? 1 : 0,
      );
      const address = reader.tryText(`${base}address`) ?? '';
      const broadcast = reader.tryText(`${base}broadcast`) ?? '';
      const duplex = reader.tryText(`${base}duplex`) ?? '';
      const ifalias = reader.tryText(`${base}ifalias`) ?? '';
      const info = infoLabels.get(
        `${iface}\u0000${address}\u0000${broadcast}\u0000${duplex}\u0000${operstate}\u0000${ifalias}`,
        () => ({
          address,
          broadcast,
          device: iface,
          duplex,
          ifalias,
          operstate,
        }),
      );
      fams.add(
        'node_network_info',
        'Non-numeric data from /sys/class/net/<iface>, value is always 1.',
        'gauge',
        info,
        1,
      );
      for (const [file, name, counter] of FIELDS) {
        const v = reader.num(base + file);
        if (Number.isNaN(v)) continue;
        fams.add(
          `node_network_${name}`,
          `Network device property: ${name}`,
          counter ? 'counter' : 'gauge',
          l,
          v,
        );
      }
      const speed = reader.num(`${base}speed`);
      if (!Number.isNaN(speed)) {
        fams.add(
          'node_network_speed_bytes',
          'Network device property: speed_bytes',
          'gauge',
          l,
          Math.trunc((speed * 1000 * 1000) / 8),
        );
      }
      const txq = reader.num(`${base}tx_queue_len`);
      if (!Number.isNaN(txq))
        fams.add(
          'node_network_transmit_queue_length',
          'Network device property: transmit_queue_length',
          'gauge',
          l,
          txq,
        );
      const type = reader.num(`${base}type`);
      if (!Number.isNaN(type))
        fams.add('node_network_protocol_type', 'Network device property: protocol_type', 'gauge', l, type);
    }
    return fams.toArray();
  }
  return linuxCollector('netclass', [dir], collect);
}
