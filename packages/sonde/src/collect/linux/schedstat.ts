// node_exporter's `schedstat` collector: per-CPU scheduler statistics from /proc/schedstat.
import { FamilySet, LabelCache } from '../lib/family.js';
import { FileReader } from '../lib/reader.js';
import type { Collector, MetricFamily } from '../types.js';
import { linuxCollector } from './base.js';
import { type HostPaths, proc } from './paths.js';

export function createSchedstatCollector(paths: HostPaths): Collector {
  const reader = new FileReader(8192);
  const path = proc(paths, 'schedstat');
  const labels = new LabelCache();
  const last = new Float64Array(3);

  function collect(): MetricFamily[] {
    const s = reader.scan(path);
    const fams = new FamilySet();
    while (s.nextLine()) {
      if (!s.field() || !s.lineStartsWith('cpu') || s.e - s.s < 4) continue;
      const cpu = s.buf.toString('latin1', s.s + 3, s.e);
      // The last three fields: running ns, waiting ns, timeslices.
      let n = 0;
      while (s.field()) {
        last[0] = last[1];
        last[1] = last[2];
        last[2] = s.num();
        n++;
      }
      if (n < 3) continue;
      const l = labels.one('cpu', cpu);
      fams.add(
        'node_schedstat_running_seconds_total',
        'Number of seconds CPU spent running a process.',
        'counter',
        l,
        last[0] / 1e9,
      );
      fams.add(
        'node_schedstat_waiting_seconds_total',
        'Number of seconds spent by processing waiting for this CPU.',
        'counter',
        l,
        last[1] / 1e9,
      );
      fams.add(
        'node_schedstat_timeslices_total',
        'Number of timeslices executed by CPU.',
        'counter',
        l,
        last[2],
      );
    }
    return fams.toArray();
  }
  return linuxCollector('schedstat', [path], collect);
}
