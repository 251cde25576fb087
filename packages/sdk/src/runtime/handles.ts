// Active libuv handles, requests and resources keeping the loop alive.
import { Gauge } from '../gauge.js';
import type { RuntimeContext } from './options.js';

type Proc = typeof process & { _getActiveHandles?: () => object[]; _getActiveRequests?: () => object[] };

function byType(items: readonly unknown[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const it of items) {
    const t =
      typeof it === 'string'
        ? it
        : ((it as { constructor?: { name?: string } } | null)?.constructor?.name ?? 'unknown');
    m.set(t, (m.get(t) ?? 0) + 1);
  }
  return m;
}

function family(ctx: RuntimeContext, base: string, what: string, read: () => readonly unknown[]): void {
  const { prefix, labels, labelNames, registers } = ctx;
  const byTypeGauge = new Gauge({
    name: prefix + base,
    help: `Number of active ${what} grouped by type.`,
    labelNames: ['type', ...labelNames],
    registers,
    collect() {
      const items = read();
      this.reset();
      for (const [type, n] of byType(items)) this.set({ type, ...labels }, n);
      count.set(labels, items.length);
      legacy?.set(labels, items.length);
    },
  });
  void byTypeGauge;
  const count = new Gauge({
    name: prefix + base + '_all',
    help: `Total number of active ${what}.`,
    labelNames,
    registers,
  });
  const legacy = ctx.config.promClientNames
    ? new Gauge({
        name: prefix + base + '_total',
        help: `Total number of active ${what}.`,
        labelNames,
        registers,
      })
    : undefined;
}

export function handleMetrics(ctx: RuntimeContext): void {
  const p = process as Proc;
  if (typeof p._getActiveHandles === 'function') {
    family(ctx, 'nodejs_active_handles', 'libuv handles', () => p._getActiveHandles!());
  }
  if (typeof p._getActiveRequests === 'function') {
    family(ctx, 'nodejs_active_requests', 'libuv requests', () => p._getActiveRequests!());
  }
  if (typeof process.getActiveResourcesInfo === 'function') {
    family(ctx, 'nodejs_active_resources', 'resources keeping the event loop alive', () =>
      process.getActiveResourcesInfo(),
    );
  }
}
