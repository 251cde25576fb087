// node_exporter's `conntrack` collector: netfilter connection tracking table
// size and limit, and the per-CPU statistics of /proc/net/stat/nf_conntrack summed.
import { single } from '../lib/family.js';
import { FileReader } from '../lib/reader.js';
import type { Collector, MetricFamily } from '../types.js';
import { linuxCollector } from './base.js';
import { type HostPaths, proc } from './paths.js';

const STATS = [
  ['found', 'node_nf_conntrack_stat_found', 'Number of searched entries which were successful.'],
  ['invalid', 'node_nf_conntrack_stat_invalid', 'Number of packets seen which can not be tracked.'],
  [
    'ignore',
    'node_nf_conntrack_stat_ignore',
    'Number of packets seen which are already connected to a conntrack entry.',
  ],
  ['insert', 'node_nf_conntrack_stat_insert', 'Number of entries inserted into the list.'],
  [
    'insert_failed',
    'node_nf_conntrack_stat_insert_failed',
    'Number of entries for which list insertion was attempted but failed.',
  ],
  ['drop', 'node_nf_conntrack_stat_drop', 'Number of packets dropped due to conntrack failure.'],
  [
    'early_drop',
    'node_nf_conntrack_stat_early_drop',
    'Number of dropped conntrack entries to make room for new ones, if maximum table size was reached.',
  ],
  [
    'search_restart',
    'node_nf_conntrack_stat_search_restart',
    'Number of conntrack table lookups which had to be restarted due to hashtable resizes.',
  ],
] as const;

export function createConntrackCollector(paths: HostPaths): Collector {
  const reader = new FileReader(4096);
  const countPath = proc(paths, 'sys/net/netfilter/nf_conntrack_count');
  const maxPath = proc(paths, 'sys/net/netfilter/nf_conntrack_max');
  const statPath = proc(paths, 'net/stat/nf_conntrack');
  const sums = new Float64Array(STATS.length);
  let header = '';
  let columns: number[] = [];

  function collect(): MetricFamily[] {
    const count = reader.num(countPath);
    const max = reader.num(maxPath);
    if (Number.isNaN(count) || Number.isNaN(max)) throw new Error('failed to retrieve conntrack stats');
    const out: MetricFamily[] = [
      single(
        'node_nf_conntrack_entries',
        'Number of currently allocated flow entries for connection tracking.',
        'gauge',
        count,
      ),
      single('node_nf_conntrack_entries_limit', 'Maximum size of connection tracking table.', 'gauge', max),
    ];
    const s = reader.tryScan(statPath);
    if (!s) return out;
    sums.fill(0);
    if (!s.nextLine()) return out;
    if (!s.lineIs(header)) {
      header = s.line();
      const names = header.trim().split(/\s+/);
      columns = STATS.map(([n]) => names.indexOf(n));
    }
    while (s.nextLine()) {
      let col = 0;
      while (s.field()) {
        for (let i = 0; i < columns.length; i++) if (columns[i] === col) sums[i] += s.hex();
        col++;
      }
    }
    for (let i = 0; i < STATS.length; i++) out.push(single(STATS[i][1], STATS[i][2], 'gauge', sums[i]));
    return out;
  }
  return linuxCollector('conntrack', [countPath], collect);
}
