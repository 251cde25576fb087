// The PromQL behind the built-in pages, in one place. Host metrics use
// node_exporter's names; app metrics use @sonde/sdk's (OpenTelemetry's HTTP
// semantic names). `sel` narrows to one host (an instance="..." matcher).
import type { Unit } from './format';

export interface VitalChart {
  readonly id: string;
  readonly title: string;
  readonly unit: Unit;
  readonly queries: readonly string[];
  readonly name: (labels: Record<string, string>) => string;
  readonly yMax?: number;
}

/** Rates over a short window: samples arrive every second, so 10 s is responsive and still smooth. */
const W = '10s';

const m = (sel: string, extra = '') => {
  const parts = [sel, extra].filter(Boolean).join(', ');
  return parts ? `{${parts}}` : '';
};

export function hostVitals(sel = ''): VitalChart[] {
  return [
    {
      id: 'cpu',
      title: 'CPU',
      unit: 'percent',
      yMax: 100,
      queries: [
        `100 * sum by (mode) (rate(node_cpu_seconds_total${m(sel, 'mode!="idle"')}[${W}])) / scalar(count(node_cpu_seconds_total${m(sel, 'mode="idle"')}))`,
      ],
      name: (l) => l.mode ?? 'busy',
    },
    {
      id: 'memory',
      title: 'Memory',
      unit: 'bytes',
      queries: [
        `sum(node_memory_MemTotal_bytes${m(sel)} - node_memory_MemAvailable_bytes${m(sel)})`,
        `sum(node_memory_MemTotal_bytes${m(sel)})`,
      ],
      name: (l) => (l.__q === '0' ? 'used' : 'total'),
    },
    {
      id: 'disk',
      title: 'Disk I/O',
      unit: 'bytes/s',
      queries: [
        `sum(rate(node_disk_read_bytes_total${m(sel)}[${W}]))`,
        `sum(rate(node_disk_written_bytes_total${m(sel)}[${W}]))`,
      ],
      name: (l) => (l.__q === '0' ? 'read' : 'written'),
    },
    {
      id: 'network',
      title: 'Network',
      unit: 'bytes/s',
      queries: [
        `sum(rate(node_network_receive_bytes_total${m(sel, 'device!="lo"')}[${W}]))`,
        `sum(rate(node_network_transmit_bytes_total${m(sel, 'device!="lo"')}[${W}]))`,
      ],
      name: (l) => (l.__q === '0' ? 'received' : 'sent'),
    },
    {
      id: 'load',
      title: 'Load average',
      unit: 'none',
      queries: [`{__name__=~"node_load1|node_load5|node_load15"${sel ? `, ${sel}` : ''}}`],
      name: (l) => (l.__name__ ?? '').replace('node_', ''),
    },
    {
      id: 'pressure',
      title: 'Pressure (time stalled)',
      unit: 'percent',
      // One query per resource: rate() drops the metric name, so a single
      // regex-name query would collapse the three into one label set.
      queries: ['cpu', 'memory', 'io'].map(
        (r) => `100 * rate(node_pressure_${r}_waiting_seconds_total${m(sel)}[${W}])`,
      ),
      name: (l) => ['cpu', 'memory', 'io'][Number(l.__q)],
    },
  ];
}

const H = 'http_server_request_duration_seconds';

export const appQueries = {
  /** Any app metric at all: decides between app panels and the instrumentation hint. */
  present: `count(${H}_count) or count(http_server_requests_total)`,
  rps: `sum(rate(${H}_count[1m]))`,
  errors: `sum(rate(${H}_count{status_code=~"5.."}[1m])) / sum(rate(${H}_count[1m]))`,
  latency: (q: number, sel = '') =>
    `histogram_quantile(${q}, sum by (le) (rate(${H}_bucket${sel ? `{${sel}}` : ''}[1m])))`,
  eventLoopLag: 'max(nodejs_eventloop_lag_seconds)',
  rss: 'sum by (job) (process_resident_memory_bytes)',
  /** Per route, over `w`: the table's columns. */
  routeStat: {
    rps: (w: string) => `sum by (route, method) (rate(${H}_count[${w}]))`,
    p50: (w: string) => `histogram_quantile(0.5, sum by (route, method, le) (rate(${H}_bucket[${w}])))`,
    p95: (w: string) => `histogram_quantile(0.95, sum by (route, method, le) (rate(${H}_bucket[${w}])))`,
    p99: (w: string) => `histogram_quantile(0.99, sum by (route, method, le) (rate(${H}_bucket[${w}])))`,
    errors: (w: string) =>
      `sum by (route, method) (rate(${H}_count{status_code=~"5.."}[${w}])) / sum by (route, method) (rate(${H}_count[${w}]))`,
    cache: (w: string) =>
      `sum by (route, method) (rate(${H}_count{cache="hit"}[${w}])) / sum by (route, method) (rate(${H}_count{cache=~"hit|miss"}[${w}]))`,
  },
};

export function routeSel(route: string, method?: string): string {
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  return `route="${esc(route)}"${method ? `, method="${esc(method)}"` : ''}`;
}
