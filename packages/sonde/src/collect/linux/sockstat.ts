// node_exporter's `sockstat` collector: /proc/net/sockstat and sockstat6,
// node_sockstat_<PROTO>_<field>, with mem also in bytes.
import { single } from '../lib/family.js';
import { FileReader } from '../lib/reader.js';
import { KeyCache, type Scanner } from '../lib/scan.js';
import type { Collector, MetricFamily } from '../types.js';
import { linuxCollector } from './base.js';
import { pageSize } from './page-size.js';
import { type HostPaths, proc } from './paths.js';

interface Field {
  name: string;
  help: string;
  /** Also export <name>_bytes = value * page size. */
  memBytes: { name: string; help: string } | null;
}

export function createSockstatCollector(paths: HostPaths): Collector {
  const reader = new FileReader(1024);
  const path4 = proc(paths, 'net/sockstat');
  const path6 = proc(paths, 'net/sockstat6');
  const keys4 = new KeyCache<Field | null>();
  const keys6 = new KeyCache<Field | null>();
  const page = pageSize(paths);

  function read(s: Scanner, keys: KeyCache<Field | null>, v6: boolean, out: MetricFamily[]): void {
    let i = 0;
    while (s.nextLine()) {
      if (!s.field()) continue;
      const protoS = s.s;
      const protoE = s.e - 1; // without ':'
      const proto = s.buf.toString('latin1', protoS, protoE);
      const isSockets = proto === 'sockets';
      while (s.field()) {
        const f = keys.get(s, i++, (field) => {
          if (isSockets) {
            return !v6 && field === 'used'
              ? { name: 'node_sockstat_sockets_used', help: 'Number of IPv4 sockets in use.', memBytes: null }
              : null;
          }
          return {
            name: `node_sockstat_${proto}_${field}`,
            help: `Number of ${proto} sockets in state ${field}.`,
            memBytes:
              field === 'mem'
                ? {
                    name: `node_sockstat_${proto}_mem_bytes`,
                    help: `Number of ${proto} sockets in state mem_bytes.`,
                  }
                : null,
          };
        });
        const v = s.nextNum();
        if (!f) continue;
        out.push(single(f.name, f.help, 'gauge', v));
        if (f.memBytes) out.push(single(f.memBytes.name, f.memBytes.help, 'gauge', v * page));
      }
    }
  }

  function collect(): MetricFamily[] {
    const out: MetricFamily[] = [];
    const s4 = reader.tryScan(path4);
    if (s4) read(s4, keys4, false, out);
    const s6 = reader.tryScan(path6);
    if (s6) read(s6, keys6, true, out);
    return out;
  }
  return linuxCollector('sockstat', [path4, path6], collect);
}
