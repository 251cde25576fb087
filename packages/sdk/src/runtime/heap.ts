// V8 heap: totals and per-space sizes (prom-client's names).
import v8 from 'node:v8';
import { Gauge } from '../gauge.js';
import type { RuntimeContext } from './options.js';

export function heapMetrics(ctx: RuntimeContext): void {
  const { prefix, labels, labelNames, registers } = ctx;
  const total = new Gauge({
    name: prefix + 'nodejs_heap_size_total_bytes',
    help: 'Process heap size from Node.js in bytes.',
    labelNames,
    registers,
    collect() {
      const m = process.memoryUsage();
      total.set(labels, m.heapTotal);
      used.set(labels, m.heapUsed);
      external.set(labels, m.external);
      buffers.set(labels, m.arrayBuffers);
    },
  });
  const used = new Gauge({
    name: prefix + 'nodejs_heap_size_used_bytes',
    help: 'Process heap size used from Node.js in bytes.',
    labelNames,
    registers,
  });
  const external = new Gauge({
    name: prefix + 'nodejs_external_memory_bytes',
    help: 'Node.js external memory size in bytes.',
    labelNames,
    registers,
  });
  const buffers = new Gauge({
    name: prefix + 'nodejs_array_buffers_bytes',
    help: 'Memory allocated for ArrayBuffers and SharedArrayBuffers in bytes (included in external).',
    labelNames,
    registers,
  });

  const spaceLabels = ['space', ...labelNames];
  const kinds = ['total', 'used', 'available'] as const;
  const gauges = kinds.map(
    (k) =>
      new Gauge({
        name: `${prefix}nodejs_heap_space_size_${k}_bytes`,
        help: `Process heap space size ${k} from Node.js in bytes.`,
        labelNames: spaceLabels,
        registers,
      }),
  );
  gauges[0].collect = () => {
    for (const s of v8.getHeapSpaceStatistics()) {
      const i = s.space_name.indexOf('_space');
      const space = i >= 0 ? s.space_name.slice(0, i) : s.space_name;
      const l = { space, ...labels };
      gauges[0].set(l, s.space_size);
      gauges[1].set(l, s.space_used_size);
      gauges[2].set(l, s.space_available_size);
    }
  };
}
