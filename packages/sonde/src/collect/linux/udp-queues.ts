// node_exporter's `udp_queues` collector: bytes queued in UDP sockets, summed
// from the tx_queue:rx_queue column of /proc/net/udp and udp6.
import { family } from '../lib/family.js';
import { FileReader } from '../lib/reader.js';
import { parseHex } from '../lib/scan.js';
import type { CollectedSample, Collector, MetricFamily } from '../types.js';
import { linuxCollector } from './base.js';
import { type HostPaths, proc } from './paths.js';

const LABELS = {
  v4tx: Object.freeze({ ip: 'v4', queue: 'tx' }),
  v4rx: Object.freeze({ ip: 'v4', queue: 'rx' }),
  v6tx: Object.freeze({ ip: 'v6', queue: 'tx' }),
  v6rx: Object.freeze({ ip: 'v6', queue: 'rx' }),
};

export function createUdpQueuesCollector(paths: HostPaths): Collector {
  const reader = new FileReader(16 * 1024);
  const p4 = proc(paths, 'net/udp');
  const p6 = proc(paths, 'net/udp6');

  function sum(path: string): [number, number] | null {
    const s = reader.tryScan(path);
    if (!s) return null;
    let tx = 0;
    let rx = 0;
    s.nextLine(); // header
    while (s.nextLine()) {
      if (!s.skip(5)) continue; // sl local rem st tx_queue:rx_queue
      const colon = s.buf.indexOf(58, s.s);
      if (colon < 0 || colon >= s.e) continue;
      tx += parseHex(s.buf, s.s, colon);
      rx += parseHex(s.buf, colon + 1, s.e);
    }
    return [tx, rx];
  }

  function collect(): MetricFamily[] {
    const samples: CollectedSample[] = [];
    const v4 = sum(p4);
    if (v4) samples.push({ labels: LABELS.v4tx, value: v4[0] }, { labels: LABELS.v4rx, value: v4[1] });
    const v6 = sum(p6);
    if (v6) samples.push({ labels: LABELS.v6tx, value: v6[0] }, { labels: LABELS.v6rx, value: v6[1] });
    return [
      family(
        'node_udp_queues',
        'Number of allocated memory in the kernel for UDP datagrams in bytes.',
        'gauge',
        samples,
      ),
    ];
  }
  return linuxCollector('udp_queues', [p4, p6], collect);
}
