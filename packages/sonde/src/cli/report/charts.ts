// The charts a report carries: the host's vitals, and the app's traffic and
// latency when an instrumented app reports to this sonde.
import { type ServerTarget, queryRange } from '../server-client.js';
import type { ChartSeries, ChartUnit } from './svg-chart.js';

export interface ChartSpec {
  readonly title: string;
  readonly unit: ChartUnit;
  /** Legend name → PromQL. */
  readonly queries: Readonly<Record<string, string>>;
}

export const REPORT_CHARTS: readonly ChartSpec[] = [
  {
    title: 'CPU busy',
    unit: 'percent',
    queries: { busy: '100 * (1 - avg(rate(node_cpu_seconds_total{mode="idle"}[1m])))' },
  },
  {
    title: 'Memory used',
    unit: 'percent',
    queries: { used: '100 * (1 - sum(node_memory_MemAvailable_bytes) / sum(node_memory_MemTotal_bytes))' },
  },
  { title: 'Load average', unit: 'plain', queries: { load1: 'avg(node_load1)', load5: 'avg(node_load5)' } },
  {
    title: 'Network',
    unit: 'bytes/s',
    queries: {
      received: 'sum(rate(node_network_receive_bytes_total{device!="lo"}[1m]))',
      sent: 'sum(rate(node_network_transmit_bytes_total{device!="lo"}[1m]))',
    },
  },
  {
    title: 'Disk I/O',
    unit: 'bytes/s',
    queries: {
      read: 'sum(rate(node_disk_read_bytes_total[1m]))',
      written: 'sum(rate(node_disk_written_bytes_total[1m]))',
    },
  },
  {
    title: 'HTTP requests',
    unit: 'plain',
    queries: { 'requests/s': 'sum(rate(http_server_requests_total[1m]))' },
  },
  {
    title: 'HTTP latency (P95)',
    unit: 'seconds',
    queries: {
      p95: 'histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_seconds_bucket[5m])))',
    },
  },
];

export interface ChartData {
  readonly spec: ChartSpec;
  readonly series: ChartSeries[];
}

/** A step that gives about 300 points over the window, at least 1 s. */
export function stepFor(fromMs: number, toMs: number): number {
  return Math.max(1000, Math.ceil((toMs - fromMs) / 300 / 1000) * 1000);
}

export async function fetchCharts(target: ServerTarget, fromMs: number, toMs: number): Promise<ChartData[]> {
  const step = stepFor(fromMs, toMs);
  return Promise.all(
    REPORT_CHARTS.map(async (spec) => {
      const series: ChartSeries[] = [];
      for (const [name, query] of Object.entries(spec.queries)) {
        const result = await queryRange(target, query, fromMs, toMs, step);
        for (const r of result) {
          series.push({ name, t: r.values.map(([t]) => t * 1000), v: r.values.map(([, v]) => Number(v)) });
        }
      }
      return { spec, series };
    }),
  );
}
