// node_exporter's `vmstat` collector: the /proc/vmstat fields its default
// pattern keeps (page faults, paging, swapping, OOM kills), untyped.
import { single } from '../lib/family.js';
import { FileReader } from '../lib/reader.js';
import { KeyCache } from '../lib/scan.js';
import type { Collector, MetricFamily } from '../types.js';
import { linuxCollector } from './base.js';
import { type HostPaths, proc } from './paths.js';

export const DEFAULT_VMSTAT_FIELDS = '^(oom_kill|pgpg|pswp|pg.*fault).*';

export function createVmstatCollector(paths: HostPaths, fields = DEFAULT_VMSTAT_FIELDS): Collector {
  const reader = new FileReader();
  const path = proc(paths, 'vmstat');
  const pattern = new RegExp(fields);
  const keys = new KeyCache<{ name: string; help: string } | null>();

  function collect(): MetricFamily[] {
    const s = reader.scan(path);
    const out: MetricFamily[] = [];
    let i = 0;
    while (s.nextLine()) {
      if (!s.field()) continue;
      const f = keys.get(s, i++, (key) =>
        pattern.test(key)
          ? { name: `node_vmstat_${key}`, help: `/proc/vmstat information field ${key}.` }
          : null,
      );
      if (f === null) continue;
      out.push(single(f.name, f.help, 'unknown', s.nextNum()));
    }
    return out;
  }
  return linuxCollector('vmstat', [path], collect);
}
