// node_exporter's `filefd` collector: /proc/sys/fs/file-nr.
import { single } from '../lib/family.js';
import { FileReader } from '../lib/reader.js';
import type { Collector, MetricFamily } from '../types.js';
import { linuxCollector } from './base.js';
import { type HostPaths, proc } from './paths.js';

export function createFilefdCollector(paths: HostPaths): Collector {
  const reader = new FileReader(128);
  const path = proc(paths, 'sys/fs/file-nr');
  function collect(): MetricFamily[] {
    const s = reader.scan(path);
    s.nextLine();
    const allocated = s.nextNum();
    s.field(); // unused, always 0 since Linux 2.6
    const maximum = s.nextNum();
    if (Number.isNaN(allocated) || Number.isNaN(maximum))
      throw new Error(`unexpected number of file stats in ${path}`);
    return [
      single('node_filefd_allocated', 'File descriptor statistics: allocated.', 'gauge', allocated),
      single('node_filefd_maximum', 'File descriptor statistics: maximum.', 'gauge', maximum),
    ];
  }
  return linuxCollector('filefd', [path], collect);
}
