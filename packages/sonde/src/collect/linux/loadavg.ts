// node_exporter's `loadavg` collector: /proc/loadavg.
import { single } from '../lib/family.js';
import { FileReader } from '../lib/reader.js';
import type { Collector, MetricFamily } from '../types.js';
import { linuxCollector } from './base.js';
import { type HostPaths, proc } from './paths.js';

export function createLoadavgCollector(paths: HostPaths): Collector {
  const reader = new FileReader(256);
  const path = proc(paths, 'loadavg');
  function collect(): MetricFamily[] {
    const s = reader.scan(path);
    s.nextLine();
    const l1 = s.nextNum();
    const l5 = s.nextNum();
    const l15 = s.nextNum();
    if (Number.isNaN(l1) || Number.isNaN(l5) || Number.isNaN(l15))
      throw new Error(`unexpected content in ${path}`);
    return [
      single('node_load1', '1m load average.', 'gauge', l1),
      single('node_load5', '5m load average.', 'gauge', l5),
      single('node_load15', '15m load average.', 'gauge', l15),
    ];
  }
  return linuxCollector('loadavg', [path], collect);
}
