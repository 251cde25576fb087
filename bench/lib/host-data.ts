// Realistic host + app monitoring data for the storage benchmark: the series
// node_exporter exposes on an 8-CPU Linux host (CPU seconds in 0.01 steps,
// byte and packet counters, memory and filesystem gauges in bytes, load
// averages, full-precision collector durations), a Node.js app's HTTP
// counters and exponential-bucket latency histograms, collected every second
// with a few milliseconds of scheduling jitter. Deterministic for a seed.
import type { HistogramSample, Labels } from '../../packages/sonde/src/storage/index.js';

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Step = (r: () => number, i: number) => number;

interface FloatSeries {
  readonly labels: Labels;
  readonly type: 'counter' | 'gauge';
  readonly next: Step;
}

interface HistSeries {
  readonly labels: Labels;
  readonly next: (r: () => number) => HistogramSample;
}

export interface HostData {
  readonly floats: readonly FloatSeries[];
  readonly hists: readonly HistSeries[];
  /** Per collection cycle, the timestamp of host series and of app series. */
  readonly cycle: (i: number) => { tHost: number; tApp: number };
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

function counter(labels: Labels, inc: (r: () => number) => number, decimals: number, start = 0): FloatSeries {
  let ticks = Math.round(start * 10 ** decimals);
  return {
    labels,
    type: 'counter',
    next: (r) => {
      ticks += Math.max(0, Math.round(inc(r) * 10 ** decimals));
      return ticks / 10 ** decimals;
    },
  };
}

function gauge(labels: Labels, step: (r: () => number, prev: number) => number, start: number): FloatSeries {
  let v = start;
  return { labels, type: 'gauge', next: (r) => (v = step(r, v)) };
}

function hostSeries(r: () => number, instance: string): FloatSeries[] {
  const base = { instance, job: 'node' };
  const out: FloatSeries[] = [];
  const L = (name: string, extra: Record<string, string> = {}): Labels => ({
    __name__: name,
    ...base,
    ...extra,
  });
  for (let cpu = 0; cpu < 8; cpu++) {
    let busy = 0.1 + r() * 0.2;
    const modes: [string, number][] = [
      ['user', 0.6],
      ['system', 0.25],
      ['iowait', 0.05],
      ['irq', 0.01],
      ['softirq', 0.04],
      ['steal', 0],
      ['nice', 0.05],
    ];
    const c = String(cpu);
    out.push(
      counter(
        L('node_cpu_seconds_total', { cpu: c, mode: 'idle' }),
        (rr) => {
          busy = Math.min(0.95, Math.max(0.01, busy + (rr() - 0.5) * 0.05));
          return 1 - busy + (rr() - 0.5) * 0.02;
        },
        2,
        100000 + r() * 1000,
      ),
    );
    for (const [mode, share] of modes) {
      out.push(
        counter(
          L('node_cpu_seconds_total', { cpu: c, mode }),
          (rr) => busy * share * (0.5 + rr()),
          2,
          r() * 20000 * share,
        ),
      );
    }
  }
  for (const w of ['1', '5', '15']) {
    out.push(gauge(L(`node_load${w}`), (rr, p) => round(Math.max(0, p + (rr() - 0.5) * 0.1), 2), 1.5));
  }
  const memTotal = 16 * 2 ** 30;
  const mem: [string, number, number][] = [
    ['MemTotal', memTotal, 0],
    ['MemFree', 3 * 2 ** 30, 64],
    ['MemAvailable', 9 * 2 ** 30, 64],
    ['Buffers', 400 * 2 ** 20, 2],
    ['Cached', 5 * 2 ** 30, 32],
    ['SwapTotal', 2 ** 31, 0],
    ['SwapFree', 2 ** 31, 0],
    ['Active', 6 * 2 ** 30, 32],
    ['Inactive', 4 * 2 ** 30, 16],
    ['Dirty', 2 ** 20, 16],
    ['Writeback', 0, 0],
    ['AnonPages', 4 * 2 ** 30, 32],
    ['Mapped', 700 * 2 ** 20, 4],
    ['Shmem', 300 * 2 ** 20, 1],
    ['Slab', 500 * 2 ** 20, 2],
    ['SReclaimable', 300 * 2 ** 20, 1],
    ['SUnreclaim', 200 * 2 ** 20, 1],
    ['KernelStack', 20 * 2 ** 20, 1],
    ['PageTables', 60 * 2 ** 20, 1],
    ['Committed_AS', 12 * 2 ** 30, 16],
    ['VmallocTotal', 2 ** 45, 0],
    ['HugePages_Total', 0, 0],
  ];
  for (const [k, start, pages] of mem) {
    out.push(
      gauge(
        L(`node_memory_${k}_bytes`),
        (rr, p) => (pages === 0 || rr() < 0.3 ? p : p + Math.round((rr() - 0.5) * 2 * pages) * 4096),
        start,
      ),
    );
  }
  for (const device of ['eth0', 'lo', 'docker0']) {
    const rate = device === 'eth0' ? 200_000 : device === 'lo' ? 50_000 : 5_000;
    for (const dir of ['receive', 'transmit']) {
      out.push(
        counter(L(`node_network_${dir}_bytes_total`, { device }), (rr) => rate * rr() ** 2 * 2, 0, 1e9 * r()),
      );
      out.push(
        counter(L(`node_network_${dir}_packets_total`, { device }), (rr) => (rate / 800) * rr() * 2, 0, 1e6),
      );
      out.push(counter(L(`node_network_${dir}_errs_total`, { device }), (rr) => (rr() < 0.001 ? 1 : 0), 0));
      out.push(counter(L(`node_network_${dir}_drop_total`, { device }), (rr) => (rr() < 0.002 ? 1 : 0), 0));
    }
    out.push(gauge(L('node_network_up', { device }), (_, p) => p, 1));
    out.push(gauge(L('node_network_mtu_bytes', { device }), (_, p) => p, 1500));
  }
  for (const device of ['nvme0n1', 'sda']) {
    out.push(counter(L('node_disk_reads_completed_total', { device }), (rr) => rr() * 40, 0, 1e6));
    out.push(counter(L('node_disk_writes_completed_total', { device }), (rr) => rr() * 80, 0, 2e6));
    out.push(
      counter(L('node_disk_read_bytes_total', { device }), (rr) => Math.round(rr() * 400) * 512, 0, 1e10),
    );
    out.push(
      counter(L('node_disk_written_bytes_total', { device }), (rr) => Math.round(rr() * 900) * 512, 0, 3e10),
    );
    out.push(counter(L('node_disk_io_time_seconds_total', { device }), (rr) => rr() * 0.05, 3, 5000));
    out.push(counter(L('node_disk_read_time_seconds_total', { device }), (rr) => rr() * 0.02, 3, 2000));
    out.push(counter(L('node_disk_write_time_seconds_total', { device }), (rr) => rr() * 0.08, 3, 9000));
    out.push(gauge(L('node_disk_io_now', { device }), (rr) => Math.floor(rr() * rr() * 4), 0));
  }
  for (const mountpoint of ['/', '/boot', '/home', '/var/lib/docker']) {
    const size = Math.round(r() * 500) * 2 ** 30;
    out.push(gauge(L('node_filesystem_size_bytes', { mountpoint, fstype: 'ext4' }), (_, p) => p, size));
    for (const k of ['free', 'avail']) {
      out.push(
        gauge(
          L(`node_filesystem_${k}_bytes`, { mountpoint, fstype: 'ext4' }),
          (rr, p) => (rr() < 0.9 ? p : p - Math.round(rr() * 64) * 4096),
          size / 2,
        ),
      );
    }
    out.push(
      gauge(
        L('node_filesystem_files_free', { mountpoint, fstype: 'ext4' }),
        (rr, p) => p - (rr() < 0.05 ? 1 : 0),
        3e6,
      ),
    );
  }
  out.push(counter(L('node_context_switches_total'), (rr) => 8000 + rr() * 4000, 0, 1e9));
  out.push(counter(L('node_intr_total'), (rr) => 5000 + rr() * 3000, 0, 5e8));
  out.push(counter(L('node_forks_total'), (rr) => rr() * 10, 0, 1e6));
  out.push(gauge(L('node_procs_running'), (rr) => 1 + Math.floor(rr() * rr() * 6), 1));
  out.push(gauge(L('node_procs_blocked'), (rr) => (rr() < 0.05 ? 1 : 0), 0));
  out.push(gauge(L('node_boot_time_seconds'), (_, p) => p, 1.7e9));
  out.push(gauge(L('node_time_seconds'), (rr, p) => p + 1 + (rr() - 0.5) * 0.004, 1.7e9 + 0.123456789));
  out.push(gauge(L('node_entropy_available_bits'), () => 256, 256));
  for (const k of ['pgfault', 'pgmajfault', 'pgpgin', 'pgpgout', 'pswpin', 'pswpout', 'oom_kill']) {
    const rate =
      k === 'pgfault' ? 20000 : k === 'pgpgin' || k === 'pgpgout' ? 400 : k === 'pgmajfault' ? 2 : 0.001;
    out.push(counter(L(`node_vmstat_${k}`), (rr) => rate * rr() * 2, 0, 1e7));
  }
  for (const k of [
    'Tcp_ActiveOpens',
    'Tcp_PassiveOpens',
    'Tcp_CurrEstab',
    'Tcp_InSegs',
    'Tcp_OutSegs',
    'Tcp_RetransSegs',
    'Udp_InDatagrams',
    'Udp_OutDatagrams',
    'TcpExt_ListenDrops',
    'TcpExt_SyncookiesSent',
  ]) {
    const rate = k.endsWith('Segs') ? 300 : k.startsWith('Udp') ? 20 : k === 'Tcp_RetransSegs' ? 0.5 : 2;
    if (k === 'Tcp_CurrEstab')
      out.push(gauge(L(`node_netstat_${k}`), (rr, p) => Math.max(1, p + Math.round((rr() - 0.5) * 3)), 40));
    else out.push(counter(L(`node_netstat_${k}`), (rr) => rate * rr() * 2, 0, 1e6));
  }
  for (const collector of [
    'cpu',
    'diskstats',
    'filesystem',
    'loadavg',
    'meminfo',
    'netdev',
    'netstat',
    'stat',
    'time',
    'vmstat',
  ]) {
    out.push(
      gauge(
        L('node_scrape_collector_duration_seconds', { collector }),
        (rr) => 0.0001 + rr() * rr() * 0.003,
        0.001,
      ),
    );
    out.push(gauge(L('node_scrape_collector_success', { collector }), (_, p) => p, 1));
  }
  // the exporter's own process
  const self = { ...base, job: 'node' };
  out.push(counter({ __name__: 'process_cpu_seconds_total', ...self }, (rr) => rr() * 0.02, 2, 3000));
  out.push(
    gauge(
      { __name__: 'process_resident_memory_bytes', ...self },
      (rr, p) => p + Math.round((rr() - 0.5) * 8) * 4096,
      24 * 2 ** 20,
    ),
  );
  out.push(
    gauge(
      { __name__: 'process_open_fds', ...self },
      (rr, p) => (rr() < 0.1 ? 9 + Math.floor(rr() * 3) : p),
      10,
    ),
  );
  out.push(gauge({ __name__: 'go_goroutines', ...self }, (rr) => 7 + Math.floor(rr() * 3), 8));
  out.push(
    gauge(
      { __name__: 'go_memstats_alloc_bytes', ...self },
      (rr, p) => Math.max(1e6, p + Math.round((rr() - 0.45) * 60000)),
      3e6,
    ),
  );
  out.push(
    counter({ __name__: 'go_memstats_alloc_bytes_total', ...self }, (rr) => 50000 + rr() * 30000, 0, 1e9),
  );
  for (const quantile of ['0', '0.25', '0.5', '0.75', '1']) {
    out.push(
      gauge(
        { __name__: 'go_gc_duration_seconds', quantile, ...self },
        (rr, p) => (rr() < 0.05 ? 2e-5 + rr() * 1e-4 : p),
        4.1e-5,
      ),
    );
  }
  return out;
}

function appSeries(r: () => number): { floats: FloatSeries[]; hists: HistSeries[] } {
  const base = { job: 'api', instance: 'api-1:3000' };
  const floats: FloatSeries[] = [];
  const hists: HistSeries[] = [];
  const routes = ['/users', '/users/:id', '/orders', '/orders/:id', '/login', '/health'];
  for (const route of routes) {
    const rate = route === '/health' ? 1 : 20 + r() * 80;
    for (const method of ['GET', 'POST']) {
      for (const status of ['200', '404', '500']) {
        const share = status === '200' ? 0.95 : status === '404' ? 0.04 : 0.01;
        floats.push(
          counter(
            { __name__: 'http_requests_total', ...base, route, method, status },
            (rr) => Math.round(rate * share * (method === 'GET' ? 0.8 : 0.2) * rr() * 2),
            0,
          ),
        );
      }
    }
    // cumulative native histogram of latency, schema 3
    const counts = new Map<number, number>();
    let count = 0;
    let sum = 0;
    hists.push({
      labels: { __name__: 'http_request_duration_seconds', ...base, route },
      next: (rr) => {
        const n = Math.round(rate * rr() * 2);
        for (let k = 0; k < n; k++) {
          const latency = 0.002 * Math.exp(rr() * 3 + rr() * 2);
          const idx = Math.ceil(Math.log2(latency) * 8);
          counts.set(idx, (counts.get(idx) ?? 0) + 1);
          count++;
          sum += latency;
        }
        const idxs = [...counts.keys()].sort((a, b) => a - b);
        const offset = idxs.length ? idxs[0] : 0;
        const dense = idxs.length ? new Array(idxs[idxs.length - 1] - offset + 1).fill(0) : [];
        for (const [i, c] of counts) dense[i - offset] = c;
        return {
          schema: 3,
          zeroThreshold: 2.938735877055719e-39,
          zeroCount: 0,
          count,
          sum,
          positive: { offset, counts: dense },
          negative: { offset: 0, counts: [] },
        };
      },
    });
  }
  floats.push(
    gauge(
      { __name__: 'nodejs_heap_size_used_bytes', ...base },
      (rr, p) => (p > 9e7 ? 4e7 : p + Math.round(rr() * 300000)),
      4e7,
    ),
  );
  floats.push(
    gauge(
      { __name__: 'nodejs_heap_size_total_bytes', ...base },
      (rr, p) => (rr() < 0.01 ? p + 1048576 : p),
      1e8,
    ),
  );
  floats.push(
    gauge({ __name__: 'nodejs_eventloop_lag_seconds', ...base }, (rr) => 0.0005 + rr() * rr() * 0.01, 0.001),
  );
  floats.push(counter({ __name__: 'process_cpu_seconds_total', ...base }, (rr) => rr() * 0.3, 2, 500));
  floats.push(
    gauge(
      { __name__: 'nodejs_active_handles', ...base },
      (rr, p) => Math.max(5, p + Math.round(rr() * 2 - 1)),
      20,
    ),
  );
  floats.push(gauge({ __name__: 'app_cpu_percent', ...base }, (rr) => round(rr() * 40, 2), 10));
  return { floats, hists };
}

/**
 * The data set: `hosts` node_exporter hosts and one app, starting at `startMs`.
 * With `jitter`, each collection cycle's timestamp is a few ms late, as real
 * collection is; without, timestamps sit exactly on the second (what a
 * scraper that aligns timestamps stores).
 */
export function hostData(seed: number, startMs: number, hosts = 1, jitter = true): HostData {
  const r = rng(seed);
  const floats: FloatSeries[] = [];
  for (let h = 0; h < hosts; h++) floats.push(...hostSeries(r, `host-${h}:9100`));
  const app = appSeries(r);
  floats.push(...app.floats);
  const jr = rng(seed + 1);
  return {
    floats,
    hists: app.hists,
    cycle: (i) => ({
      tHost: startMs + i * 1000 + (jitter ? Math.floor(jr() * 4) : 0),
      tApp: startMs + i * 1000 + 250 + (jitter ? Math.floor(jr() * 6) : 0),
    }),
  };
}

/** True for series of the app (scraped on the app's clock), false for host series. */
export function isApp(labels: Labels): boolean {
  return labels.job === 'api';
}
