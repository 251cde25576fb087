// node_exporter's `stat` collector: interrupts, context switches, forks, boot
// time and process counts from /proc/stat.
import { single } from '../lib/family.js';
import { FileReader } from '../lib/reader.js';
import type { Collector, MetricFamily } from '../types.js';
import { linuxCollector } from './base.js';
import { type HostPaths, proc } from './paths.js';

export function createStatCollector(paths: HostPaths): Collector {
  const reader = new FileReader();
  const path = proc(paths, 'stat');

  function collect(): MetricFamily[] {
    const s = reader.scan(path);
    let intr = Number.NaN;
    let ctxt = Number.NaN;
    let btime = Number.NaN;
    let forks = Number.NaN;
    let running = Number.NaN;
    let blocked = Number.NaN;
    while (s.nextLine()) {
      if (!s.field()) continue;
      if (s.is('intr')) intr = s.nextNum();
      else if (s.is('ctxt')) ctxt = s.nextNum();
      else if (s.is('btime')) btime = s.nextNum();
      else if (s.is('processes')) forks = s.nextNum();
      else if (s.is('procs_running')) running = s.nextNum();
      else if (s.is('procs_blocked')) blocked = s.nextNum();
    }
    return [
      single('node_intr_total', 'Total number of interrupts serviced.', 'counter', intr),
      single('node_context_switches_total', 'Total number of context switches.', 'counter', ctxt),
      single('node_forks_total', 'Total number of forks.', 'counter', forks),
      single('node_boot_time_seconds', 'Node boot time, in unixtime.', 'gauge', btime),
      single('node_procs_running', 'Number of processes in runnable state.', 'gauge', running),
      single(
        'node_procs_blocked',
        'Number of processes blocked waiting for I/O to complete.',
        'gauge',
        blocked,
      ),
    ];
  }

  return linuxCollector('stat', [path], collect);
}
