// node_exporter's `entropy` collector: /proc/sys/kernel/random.
import { single } from '../lib/family.js';
import { FileReader } from '../lib/reader.js';
import type { Collector, MetricFamily } from '../types.js';
import { linuxCollector } from './base.js';
import { type HostPaths, proc } from './paths.js';

export function createEntropyCollector(paths: HostPaths): Collector {
  const reader = new FileReader(64);
  const avail = proc(paths, 'sys/kernel/random/entropy_avail');
  const pool = proc(paths, 'sys/kernel/random/poolsize');
  function collect(): MetricFamily[] {
    const a = reader.num(avail);
    if (Number.isNaN(a)) throw new Error("couldn't get entropy_avail");
    const p = reader.num(pool);
    if (Number.isNaN(p)) throw new Error("couldn't get entropy poolsize");
    return [
      single('node_entropy_available_bits', 'Bits of available entropy.', 'gauge', a),
      single('node_entropy_pool_size_bits', 'Bits of entropy pool.', 'gauge', p),
    ];
  }
  return linuxCollector('entropy', [avail], collect);
}
