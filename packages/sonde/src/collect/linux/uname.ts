// node_exporter's `uname` collector: node_uname_info from /proc/sys/kernel
// (the same strings uname(2) returns) and the machine architecture.
import { machine } from 'node:os';
import type { Labels } from '../../storage/types.js';
import { FileReader } from '../lib/reader.js';
import type { Collector, MetricFamily } from '../types.js';
import { linuxCollector } from './base.js';
import { type HostPaths, proc } from './paths.js';

export function createUnameCollector(paths: HostPaths, arch: () => string = machine): Collector {
  const reader = new FileReader(512);
  const k = (f: string) => proc(paths, `sys/kernel/${f}`);
  let labels: Labels | null = null;
  let key = '';

  function collect(): MetricFamily[] {
    const sysname = reader.text(k('ostype'));
    const release = reader.text(k('osrelease'));
    const version = reader.text(k('version'));
    const nodename = reader.text(k('hostname'));
    const domainname = reader.tryText(k('domainname')) ?? '(none)';
    const m = arch();
    const next = `${sysname}\u0000${release}\u0000${version}\u0000${nodename}\u0000${domainname}\u0000${m}`;
    if (labels === null || next !== key) {
      key = next;
      labels = Object.freeze({ domainname, machine: m, nodename, release, sysname, version });
    }
    return [
      {
        name: 'node_uname_info',
        help: 'Labeled system information as provided by the uname system call.',
        type: 'gauge',
        samples: [{ labels, value: 1 }],
      },
    ];
  }
  return linuxCollector('uname', [k('ostype')], collect);
}
