// What a non-Linux host still gives through Node's os module, under the
// names node_exporter uses on such hosts (as on macOS: node_memory_total_bytes).
import {
  cpus,
  freemem,
  hostname,
  loadavg,
  machine,
  release,
  totalmem,
  type as osType,
  uptime,
  version,
} from 'node:os';
import { family, LabelCache, single } from '../lib/family.js';
import type { CollectedSample, Collector, MetricFamily } from '../types.js';

function collector(name: string, collect: () => MetricFamily[]): Collector {
  return { name, unavailableReason: async () => null, collect: async () => collect() };
}

export function createOsModuleCollectors(): Collector[] {
  const labels = new LabelCache();
  return [
    collector('cpu', () => {
      const samples: CollectedSample[] = [];
      cpus().forEach((c, i) => {
        const cpu = String(i);
        for (const [mode, ms] of Object.entries(c.times)) {
          samples.push({
            labels: labels.get(`${cpu}\u0000${mode}`, () => ({ cpu, mode })),
            value: ms / 1000,
          });
        }
      });
      return [family('node_cpu_seconds_total', 'Seconds the CPUs spent in each mode.', 'counter', samples)];
    }),
    collector('loadavg', () => {
      const [l1, l5, l15] = loadavg();
      return [
        single('node_load1', '1m load average.', 'gauge', l1),
        single('node_load5', '5m load average.', 'gauge', l5),
        single('node_load15', '15m load average.', 'gauge', l15),
      ];
    }),
    collector('meminfo', () => [
      single('node_memory_total_bytes', 'Memory information field total_bytes.', 'gauge', totalmem()),
      single('node_memory_free_bytes', 'Memory information field free_bytes.', 'gauge', freemem()),
    ]),
    collector('stat', () => [
      single(
        'node_boot_time_seconds',
        'Node boot time, in unixtime.',
        'gauge',
        Math.round(Date.now() / 1000 - uptime()),
      ),
    ]),
    collector('uname', () => [
      family('node_uname_info', 'Labeled system information as provided by the uname system call.', 'gauge', [
        {
          labels: labels.get('uname', () => ({
            domainname: '(none)',
            machine: machine(),
            nodename: hostname(),
            release: release(),
            sysname: osType(),
            version: version(),
          })),
          value: 1,
        },
      ]),
    ]),
    collector('time', () => [
      single('node_time_seconds', 'System time in seconds since epoch (1970).', 'gauge', Date.now() / 1000),
    ]),
  ];
}
