// Event loop: lag (prom-client's gauges from monitorEventLoopDelay, plus p99.9),
// and utilization since the previous scrape.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Gauge } from '../gauge.js';
import type { RuntimeContext } from './options.js';

export function eventLoopMetrics(ctx: RuntimeContext): void {
  const { prefix, labels, labelNames, registers } = ctx;
  const resolution = ctx.config.eventLoopMonitoringPrecision ?? 10;
  const h = monitorEventLoopDelay({ resolution });
  h.enable();

  const g = (name: string, help: string) =>
    new Gauge({ name: prefix + name, help, labelNames, registers, aggregator: 'average' });

  const lag = new Gauge({
    name: prefix + 'nodejs_eventloop_lag_seconds',
    help: 'Lag of event loop in seconds.',
    labelNames,
    registers,
    aggregator: 'average',
    collect() {
      const start = process.hrtime.bigint();
      setImmediate(() => lag.set(labels, Number(process.hrtime.bigint() - start) / 1e9));
      if (h.count > 0) {
        min.set(labels, h.min / 1e9);
        max.set(labels, h.max / 1e9);
        mean.set(labels, h.mean / 1e9);
        stddev.set(labels, h.stddev / 1e9);
        p50.set(labels, h.percentile(50) / 1e9);
        p90.set(labels, h.percentile(90) / 1e9);
        p99.set(labels, h.percentile(99) / 1e9);
        p999.set(labels, h.percentile(99.9) / 1e9);
      }
      h.reset();
    },
  });
  const min = g('nodejs_eventloop_lag_min_seconds', 'The minimum recorded event loop delay.');
  const max = g('nodejs_eventloop_lag_max_seconds', 'The maximum recorded event loop delay.');
  const mean = g('nodejs_eventloop_lag_mean_seconds', 'The mean of the recorded event loop delays.');
  const stddev = g(
    'nodejs_eventloop_lag_stddev_seconds',
    'The standard deviation of the recorded event loop delays.',
  );
  const p50 = g('nodejs_eventloop_lag_p50_seconds', 'The 50th percentile of the recorded event loop delays.');
  const p90 = g('nodejs_eventloop_lag_p90_seconds', 'The 90th percentile of the recorded event loop delays.');
  const p99 = g('nodejs_eventloop_lag_p99_seconds', 'The 99th percentile of the recorded event loop delays.');
  const p999 = g(
    'nodejs_eventloop_lag_p999_seconds',
    'The 99.9th percentile of the recorded event loop delays.',
  );

  let last = performance.eventLoopUtilization();
  new Gauge({
    name: prefix + 'nodejs_eventloop_utilization_ratio',
    help: 'Fraction of time the event loop was busy (not idle in the poll phase) since the previous scrape.',
    labelNames,
    registers,
    aggregator: 'average',
    collect() {
      const now = performance.eventLoopUtilization();
      const d = performance.eventLoopUtilization(now, last);
      last = now;
      this.set(labels, d.utilization);
    },
  });
}
