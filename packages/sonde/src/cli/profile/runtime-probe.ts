// The module `sonde profile` preloads into the profiled Node process (with
// --import in NODE_OPTIONS, where --cpu-prof is not allowed): it runs V8's
// CPU profiler through an in-process inspector session and records
// event-loop delay and GC pauses, and writes both when the process exits.
// In-process inspector calls complete synchronously, so the 'exit' handler
// can still stop the profiler and write. Plain JavaScript, so the target
// needs nothing from sonde.
export interface RuntimeReport {
  readonly eventLoopDelayMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  readonly gc: {
    count: number;
    totalMs: number;
    maxMs: number;
    byKind: Record<string, { count: number; totalMs: number }>;
  };
  readonly wallMs: number;
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  readonly peakRssBytes: number;
}

export const RUNTIME_PROBE_SOURCE = `
import { monitorEventLoopDelay, PerformanceObserver, constants } from 'node:perf_hooks';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
const out = process.env.SONDE_PROFILE_RUNTIME_OUT;
if (out) {
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const kinds = { [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major', [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb' };
  const gc = { count: 0, totalMs: 0, maxMs: 0, byKind: {} };
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = kinds[e.detail?.kind ?? e.kind] ?? 'other';
      gc.count++; gc.totalMs += e.duration; gc.maxMs = Math.max(gc.maxMs, e.duration);
      const k = (gc.byKind[kind] ??= { count: 0, totalMs: 0 });
      k.count++; k.totalMs += e.duration;
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    h.disable();
    session.post('Profiler.stop', (err, result) => {
      if (!err && result) writeFileSync(out + '-' + process.pid + '.cpuprofile', JSON.stringify(result.profile));
    });
    const ms = (ns) => (Number.isFinite(ns) ? ns / 1e6 : 0);
    const cpu = process.cpuUsage(cpuAtStart);
    writeFileSync(out + '-' + process.pid + '.json', JSON.stringify({
      eventLoopDelayMs: { p50: ms(h.percentile(50)), p90: ms(h.percentile(90)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean) },
      gc, wallMs: performance.now() - started, cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    }));
  };
  process.on('exit', write);
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => { write(); process.kill(process.pid, sig); });
}
`;
