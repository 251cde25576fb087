// Names the main bottleneck of a profiled run from its evidence.
import type { FunctionTime } from './cpu-profile.js';
import type { HostVitals } from './host-sampler.js';
import type { RuntimeReport } from './runtime-probe.js';

export interface Bottleneck {
  readonly kind: 'cpu' | 'gc' | 'waiting' | 'host-cpu' | 'host-memory' | 'none';
  readonly summary: string;
  readonly evidence: readonly string[];
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function findBottleneck(
  hot: readonly FunctionTime[],
  profileMs: number,
  runtime: RuntimeReport | null,
  host: HostVitals,
): Bottleneck {
  const top = hot.find((f) => !f.name.startsWith('(')) ?? hot[0];
  const evidence: string[] = [];
  const wall = runtime?.wallMs ?? profileMs;
  const cpuShare = runtime ? (runtime.cpuUserMs + runtime.cpuSystemMs) / Math.max(wall, 1) : null;
  if (cpuShare !== null)
    evidence.push(`process CPU ${pct(cpuShare)} of wall time (${(wall / 1000).toFixed(2)} s)`);
  if (runtime) {
    evidence.push(
      `event-loop delay p99 ${runtime.eventLoopDelayMs.p99.toFixed(1)} ms, max ${runtime.eventLoopDelayMs.max.toFixed(1)} ms`,
    );
    evidence.push(
      `GC ${runtime.gc.count} pauses, ${runtime.gc.totalMs.toFixed(1)} ms in all, longest ${runtime.gc.maxMs.toFixed(1)} ms`,
    );
  }
  evidence.push(`host CPU busy avg ${host.cpuBusyAvgPct.toFixed(0)}%, max ${host.cpuBusyMaxPct.toFixed(0)}%`);
  if (top)
    evidence.push(
      `hottest function ${top.name} (${top.location}): self ${top.selfMs.toFixed(1)} ms, ${pct(top.selfMs / Math.max(profileMs, 1))} of the profile`,
    );

  if (runtime && runtime.gc.totalMs / Math.max(wall, 1) > 0.1) {
    return {
      kind: 'gc',
      summary: `garbage collection took ${pct(runtime.gc.totalMs / wall)} of the run: allocation pressure`,
      evidence,
    };
  }
  if (host.memTotalBytes > 0 && host.memAvailableMinBytes / host.memTotalBytes < 0.05) {
    return { kind: 'host-memory', summary: 'the host ran nearly out of memory during the run', evidence };
  }
  if (cpuShare !== null && cpuShare > 0.5 && top) {
    return {
      kind: 'cpu',
      summary: `CPU-bound on the main thread; most of it in ${top.name} at ${top.location}`,
      evidence,
    };
  }
  if (host.cpuBusyAvgPct > 90) {
    const hottest = top ? `; its own time went mostly to ${top.name} at ${top.location}` : '';
    return {
      kind: 'host-cpu',
      summary: `the host CPU was saturated: other work competed with this process${hottest}`,
      evidence,
    };
  }
  if (cpuShare !== null && cpuShare < 0.3) {
    return {
      kind: 'waiting',
      summary: 'mostly waiting (I/O, timers or the network), not computing',
      evidence,
    };
  }
  return { kind: 'none', summary: 'no single dominant bottleneck', evidence };
}
