// Process CPU, memory, file descriptors and start time (prom-client's names).
import { readdirSync, readFileSync } from 'node:fs';
import { Counter } from '../counter.js';
import { Gauge } from '../gauge.js';
import type { RuntimeContext } from './options.js';

const startSeconds = Math.round(Date.now() / 1000 - process.uptime());

function readStatus(): Record<string, number> {
  const out: Record<string, number> = {};
  const text = readFileSync('/proc/self/status', 'utf8');
  for (const line of text.split('\n')) {
    const m = /^(VmSize|VmRSS|VmData):\s+(\d+)\s*kB/.exec(line);
    if (m) out[m[1]] = Number(m[2]) * 1024;
  }
  return out;
}

function maxFds(): number | undefined {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    for (const line of limits.split('\n')) {
      if (line.startsWith('Max open files')) {
        const n = Number(line.split(/\s\s+/)[1]);
        return Number.isFinite(n) ? n : undefined;
      }
    }
  } catch {
    // not Linux
  }
  return undefined;
}

export function processMetrics(ctx: RuntimeContext): void {
  const { prefix, labels, labelNames, registers } = ctx;
  let last = process.cpuUsage();
  const user = new Counter({
    name: prefix + 'process_cpu_user_seconds_total',
    help: 'Total user CPU time spent in seconds.',
    labelNames,
    registers,
    collect() {
      const now = process.cpuUsage();
      const du = Math.max(0, now.user - last.user) / 1e6;
      const ds = Math.max(0, now.system - last.system) / 1e6;
      last = now;
      user.inc(labels, du);
      system.inc(labels, ds);
      total.inc(labels, du + ds);
    },
  });
  const system = new Counter({
    name: prefix + 'process_cpu_system_seconds_total',
    help: 'Total system CPU time spent in seconds.',
    labelNames,
    registers,
  });
  const total = new Counter({
    name: prefix + 'process_cpu_seconds_total',
    help: 'Total user and system CPU time spent in seconds.',
    labelNames,
    registers,
  });

  new Gauge({
    name: prefix + 'process_start_time_seconds',
    help: 'Start time of the process since unix epoch in seconds.',
    labelNames,
    registers,
    aggregator: 'omit',
    collect() {
      this.set(labels, startSeconds);
    },
  });

  if (process.platform === 'linux') {
    const rss = new Gauge({
      name: prefix + 'process_resident_memory_bytes',
      help: 'Resident memory size in bytes.',
      labelNames,
      registers,
      collect() {
        try {
          const s = readStatus();
          if (s.VmRSS !== undefined) rss.set(labels, s.VmRSS);
          if (s.VmSize !== undefined) vsz.set(labels, s.VmSize);
          if (s.VmData !== undefined) heap.set(labels, s.VmData);
        } catch {
          rss.set(labels, process.memoryUsage.rss());
        }
      },
    });
    const vsz = new Gauge({
      name: prefix + 'process_virtual_memory_bytes',
      help: 'Virtual memory size in bytes.',
      labelNames,
      registers,
    });
    const heap = new Gauge({
      name: prefix + 'process_heap_bytes',
      help: 'Process heap size in bytes.',
      labelNames,
      registers,
    });
    new Gauge({
      name: prefix + 'process_open_fds',
      help: 'Number of open file descriptors.',
      labelNames,
      registers,
      collect() {
        try {
          // minus the descriptor readdirSync itself had open
          this.set(labels, readdirSync('/proc/self/fd').length - 1);
        } catch {
          // unreadable: keep the last value
        }
      },
    });
    const max = maxFds();
    if (max !== undefined) {
      new Gauge({
        name: prefix + 'process_max_fds',
        help: 'Maximum number of open file descriptors.',
        labelNames,
        registers,
        collect() {
          this.set(labels, max);
        },
      });
    }
  } else {
    new Gauge({
      name: prefix + 'process_resident_memory_bytes',
      help: 'Resident memory size in bytes.',
      labelNames,
      registers,
      collect() {
        this.set(labels, process.memoryUsage.rss());
      },
    });
  }
}
