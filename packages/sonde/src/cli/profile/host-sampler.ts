// Samples the host's CPU use and available memory while something runs,
// so a profile says whether the machine itself was the bottleneck.
import { cpus, freemem, totalmem } from 'node:os';

export interface HostVitals {
  readonly samples: number;
  readonly cpuBusyAvgPct: number;
  readonly cpuBusyMaxPct: number;
  readonly memAvailableMinBytes: number;
  readonly memTotalBytes: number;
}

function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const c of cpus()) {
    const t = c.times.user + c.times.nice + c.times.sys + c.times.irq + c.times.idle;
    total += t;
    busy += t - c.times.idle;
  }
  return { busy, total };
}

export function sampleHost(intervalMs = 500): { stop(): HostVitals } {
  let last = cpuTimes();
  const busyPcts: number[] = [];
  let minAvail = freemem();
  const sample = () => {
    const now = cpuTimes();
    const dt = now.total - last.total;
    if (dt > 0) busyPcts.push(((now.busy - last.busy) / dt) * 100);
    last = now;
    minAvail = Math.min(minAvail, freemem());
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      const n = busyPcts.length;
      return {
        samples: n,
        cpuBusyAvgPct: n ? busyPcts.reduce((a, b) => a + b, 0) / n : 0,
        cpuBusyMaxPct: n ? Math.max(...busyPcts) : 0,
        memAvailableMinBytes: minAvail,
        memTotalBytes: totalmem(),
      };
    },
  };
}
