// node_exporter's `pressure` collector: pressure stall information (PSI) from
// /proc/pressure/{cpu,io,memory}, total stalled/waiting time in seconds.
import { single } from '../lib/family.js';
import { FileReader } from '../lib/reader.js';
import type { Collector, MetricFamily } from '../types.js';
import { linuxCollector } from './base.js';
import { type HostPaths, proc } from './paths.js';

/** The some= and full= totals (microseconds) of one PSI file. */
function readTotals(reader: FileReader, path: string, out: Float64Array): void {
  out[0] = Number.NaN;
  out[1] = Number.NaN;
  const s = reader.scan(path);
  while (s.nextLine()) {
    if (!s.field()) continue;
    const slot = s.is('some') ? 0 : s.is('full') ? 1 : -1;
    if (slot < 0) continue;
    while (s.field()) {
      if (
        s.e - s.s > 6 &&
        s.buf[s.s] === 116 /* t */ &&
        s.buf.toString('latin1', s.s, s.s + 6) === 'total='
      ) {
        s.s += 6;
        out[slot] = s.num();
      }
    }
  }
}

export function createPressureCollector(paths: HostPaths): Collector {
  const reader = new FileReader(512);
  const dir = proc(paths, 'pressure');
  const t = new Float64Array(2);

  function collect(): MetricFamily[] {
    const out: MetricFamily[] = [];
    readTotals(reader, `${dir}/cpu`, t);
    out.push(
      single(
        'node_pressure_cpu_waiting_seconds_total',
        'Total time in seconds that processes have waited for CPU time',
        'counter',
        t[0] / 1e6,
      ),
    );
    readTotals(reader, `${dir}/io`, t);
    out.push(
      single(
        'node_pressure_io_waiting_seconds_total',
        'Total time in seconds that processes have waited due to IO congestion',
        'counter',
        t[0] / 1e6,
      ),
      single(
        'node_pressure_io_stalled_seconds_total',
        'Total time in seconds no process could make progress due to IO congestion',
        'counter',
        t[1] / 1e6,
      ),
    );
    readTotals(reader, `${dir}/memory`, t);
    out.push(
      single(
        'node_pressure_memory_waiting_seconds_total',
        'Total time in seconds that processes have waited for memory',
        'counter',
        t[0] / 1e6,
      ),
      single(
        'node_pressure_memory_stalled_seconds_total',
        'Total time in seconds no process could make progress due to memory congestion',
        'counter',
        t[1] / 1e6,
      ),
    );
    return out;
  }

  return linuxCollector('pressure', [`${dir}/cpu`], collect, () => {
    // The files exist but reading fails with EOPNOTSUPP when the kernel was booted with psi=0.
    try {
      reader.read(`${dir}/cpu`);
      return null;
    } catch (err) {
      return `pressure stall information is disabled (${(err as NodeJS.ErrnoException).code}); boot with psi=1`;
    }
  });
}
