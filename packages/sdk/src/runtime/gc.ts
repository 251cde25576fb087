// Garbage collection pauses by kind (prom-client's nodejs_gc_duration_seconds,
// a histogram, so its sketch gives exact-to-1% pause percentiles too).
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { Histogram } from '../histogram.js';
import type { RuntimeContext } from './options.js';

const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

export function gcMetrics(ctx: RuntimeContext): PerformanceObserver {
  const { prefix, labels, labelNames, registers } = ctx;
  const h = new Histogram({
    name: prefix + 'nodejs_gc_duration_seconds',
    help: 'Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
    labelNames: ['kind', ...labelNames],
    buckets: ctx.config.gcDurationBuckets ?? [0.001, 0.01, 0.1, 1, 2, 5],
    registers,
  });
  const children = new Map<number, ReturnType<typeof h.labels>>();
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = ((e as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind ?? -1;
      let child = children.get(kind);
      if (child === undefined) {
        child = h.labels({ kind: KINDS[kind] ?? 'unknown', ...labels });
        children.set(kind, child);
      }
      child.observe(e.duration / 1000);
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  return obs;
}
