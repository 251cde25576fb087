// node_exporter's `meminfo` collector: every /proc/meminfo field as
// node_memory_<Field>[_bytes] (kB values in bytes, "Active(anon)" as Active_anon).
import { single } from '../lib/family.js';
import { FileReader } from '../lib/reader.js';
import { KeyCache } from '../lib/scan.js';
import type { Collector, MetricFamily } from '../types.js';
import { linuxCollector } from './base.js';
import { type HostPaths, proc } from './paths.js';

interface Field {
  name: string;
  help: string;
}

export function meminfoMetricName(rawKey: string, hasUnit: boolean): string {
  let key = rawKey.endsWith(':') ? rawKey.slice(0, -1) : rawKey;
  key = key.replace(/\((.*)\)/, '_$1');
  return `node_memory_${key}${hasUnit ? '_bytes' : ''}`;
}

export function createMeminfoCollector(paths: HostPaths): Collector {
  const reader = new FileReader();
  const path = proc(paths, 'meminfo');
  const keys = new KeyCache<Field | null>();

  function collect(): MetricFamily[] {
    const s = reader.scan(path);
    const out: MetricFamily[] = [];
    let i = 0;
    while (s.nextLine()) {
      if (!s.field()) continue; // blank lines seen on some old kernels
      const keyStart = s.s;
      const keyEnd = s.e;
      const value = s.nextNum();
      const hasUnit = s.field();
      s.s = keyStart;
      s.e = keyEnd;
      const f = keys.get(s, i++, (raw) => {
        const key = raw.endsWith(':') ? raw.slice(0, -1).replace(/\((.*)\)/, '_$1') : raw;
        return {
          name: meminfoMetricName(raw, hasUnit),
          help: `Memory information field ${key}${hasUnit ? '_bytes' : ''}.`,
        };
      });
      if (f === null || Number.isNaN(value)) throw new Error(`invalid line in meminfo: ${s.line()}`);
      out.push(single(f.name, f.help, 'gauge', hasUnit ? value * 1024 : value));
    }
    return out;
  }
  return linuxCollector('meminfo', [path], collect);
}
