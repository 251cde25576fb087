// node_exporter's `softnet` collector: per-CPU packet processing from /proc/net/softnet_stat (hex columns).
import { FamilySet, LabelCache } from '../lib/family.js';
import { FileReader } from '../lib/reader.js';
import type { Collector, MetricFamily } from '../types.js';
import { linuxCollector } from './base.js';
import { type HostPaths, proc } from './paths.js';

export function createSoftnetCollector(paths: HostPaths): Collector {
  const reader = new FileReader(8192);
  const path = proc(paths, 'net/softnet_stat');
  const labels = new LabelCache();
  function collect(): MetricFamily[] {
    const s = reader.scan(path);
    const fams = new FamilySet();
    let cpu = 0;
    while (s.nextLine()) {
      const processed = s.field() ? s.hex() : Number.NaN;
      const dropped = s.field() ? s.hex() : Number.NaN;
      const squeezed = s.field() ? s.hex() : Number.NaN;
      if (Number.isNaN(squeezed)) continue;
      const l = labels.one('cpu', String(cpu++));
      fams.add('node_softnet_processed_total', 'Number of processed packets', 'counter', l, processed);
      fams.add('node_softnet_dropped_total', 'Number of dropped packets', 'counter', l, dropped);
      fams.add(
        'node_softnet_times_squeezed_total',
        'Number of times processing packets ran out of quota',
        'counter',
        l,
        squeezed,
      );
    }
    return fams.toArray();
  }
  return linuxCollector('softnet', [path], collect);
}
