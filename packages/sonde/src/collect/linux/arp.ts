// node_exporter's `arp` collector: ARP table entries per device from /proc/net/arp.
import { family, LabelCache } from '../lib/family.js';
import { FileReader } from '../lib/reader.js';
import type { Collector, MetricFamily } from '../types.js';
import { linuxCollector } from './base.js';
import { type HostPaths, proc } from './paths.js';

export function createArpCollector(paths: HostPaths): Collector {
  const reader = new FileReader(4096);
  const path = proc(paths, 'net/arp');
  const labels = new LabelCache();
  function collect(): MetricFamily[] {
    const s = reader.scan(path);
    const counts = new Map<string, number>();
    s.nextLine(); // header
    while (s.nextLine()) {
      let n = 0;
      let ds = 0;
      let de = 0;
      while (s.field()) {
        n++;
        ds = s.s;
        de = s.e;
      }
      if (n < 6) throw new Error('unexpected ARP table format');
      const dev = s.buf.toString('latin1', ds, de);
      counts.set(dev, (counts.get(dev) ?? 0) + 1);
    }
    const samples = [...counts].map(([dev, v]) => ({ labels: labels.one('device', dev), value: v }));
    return samples.length ? [family('node_arp_entries', 'ARP entries by device', 'gauge', samples)] : [];
  }
  return linuxCollector('arp', [path], collect);
}
