// Bottlenecks by the USE method (Brendan Gregg): for each resource its
// utilization (share of time or capacity busy), saturation (work waiting)
// and errors, from node_exporter-named metrics plus the Node.js event loop.
// Each resource gets a pressure in [0,1] — the larger of its utilization and
// its normalised saturation — and the most pressed one is named, with the
// numbers behind it. Saturation is normalised by documented full-scale
// points: PSI waiting 25% of the time, load 2× the CPU count, a disk queue of
// 4, 100 dropped packets/s, 200 ms event-loop lag.
import type { SeriesData } from '../../storage/types.js';
import { groupBy, increase, lastFinite, mean, type MetricSource, rate, sumOver } from './counters.js';

export type Resource = 'cpu' | 'memory' | 'disk' | 'network' | 'eventloop';

export interface ResourceUse {
  readonly resource: Resource;
  /** 0..1, null when the metrics are absent. */
  readonly utilization: number | null;
  /** Raw saturation figure in `saturationUnit`, null when absent. */
  readonly saturation: number | null;
  readonly saturationUnit: string;
  /** Error events per second, null when the resource has no error metric here. */
  readonly errors: number | null;
  /** max(utilization, normalised saturation) in [0,1]. */
  readonly pressure: number;
  readonly evidence: readonly string[];
}

export interface Bottlenecks {
  readonly resources: readonly ResourceUse[];
  /** The resource under most pressure, null when no resource had data. */
  readonly top: Resource | null;
  readonly summary: string;
}

const PSI_FULL = 0.25;
const LOAD_FULL = 2;
const DISK_QUEUE_FULL = 4;
const DROPS_FULL = 100;
const LAG_FULL_S = 0.2;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

function psi(src: MetricSource, metric: string): number {
  return sumOver(src(metric), (s) => rate(s.t, s.v)); // seconds stalled per second: a share of time
}

function cpu(src: MetricSource): ResourceUse {
  const ev: string[] = [];
  const series = src('node_cpu_seconds_total');
  let busy = 0;
  let all = 0;
  const cpus = new Set<string>();
  for (const s of series) {
    const inc = increase(s.v);
    all += inc;
    const mode = s.labels.mode ?? '';
    if (mode !== 'idle' && mode !== 'iowait') busy += inc;
    cpus.add(s.labels.cpu ?? '');
  }
  const util = all > 0 ? busy / all : Number.NaN;
  if (Number.isFinite(util)) ev.push(`node_cpu_seconds_total: ${pct(util)} busy across ${cpus.size} CPU(s)`);
  const wait = psi(src, 'node_pressure_cpu_waiting_seconds_total');
  let sat = Number.NaN;
  let unit = 'share of time waiting (PSI)';
  let norm = 0;
  if (Number.isFinite(wait)) {
    sat = wait;
    norm = wait / PSI_FULL;
    ev.push(`node_pressure_cpu_waiting_seconds_total: tasks waited for CPU ${pct(wait)} of the time`);
  } else {
    const load = mean(src('node_load1')[0]?.v ?? []);
    if (Number.isFinite(load) && cpus.size > 0) {
      sat = load / cpus.size;
      unit = 'load1 per CPU';
      norm = sat / LOAD_FULL;
      ev.push(`node_load1: ${load.toFixed(2)} on ${cpus.size} CPU(s) (${sat.toFixed(2)} per CPU)`);
    }
  }
  return result('cpu', util, sat, unit, Number.NaN, norm, ev);
}

function memory(src: MetricSource): ResourceUse {
  const ev: string[] = [];
  const avail = mean(src('node_memory_MemAvailable_bytes')[0]?.v ?? []);
  const total = lastFinite(src('node_memory_MemTotal_bytes')[0]?.v ?? []);
  const util = total > 0 && Number.isFinite(avail) ? 1 - avail / total : Number.NaN;
  if (Number.isFinite(util))
    ev.push(
      `node_memory_MemAvailable_bytes: ${(avail / 2 ** 30).toFixed(2)} GiB of ${(total / 2 ** 30).toFixed(2)} GiB available (${pct(util)} used)`,
    );
  let sat = psi(src, 'node_pressure_memory_waiting_seconds_total');
  let unit = 'share of time waiting (PSI)';
  let norm = sat / PSI_FULL;
  if (Number.isFinite(sat))
    ev.push(`node_pressure_memory_waiting_seconds_total: ${pct(sat)} of the time stalled on memory`);
  else {
    const swap = sumOver([...src('node_vmstat_pswpin'), ...src('node_vmstat_pswpout')], (s) =>
      rate(s.t, s.v),
    );
    if (Number.isFinite(swap)) {
      sat = swap;
      unit = 'pages swapped per second';
      norm = swap > 0 ? Math.min(1, swap / 1000) : 0;
      ev.push(`node_vmstat_pswpin/out: ${swap.toFixed(1)} pages/s swapped`);
    }
  }
  const ooms = sumOver(src('node_vmstat_oom_kill'), (s) => increase(s.v));
  if (ooms > 0) ev.push(`node_vmstat_oom_kill: ${ooms} process(es) killed for memory`);
  return result('memory', util, sat, unit, Number.isFinite(ooms) ? ooms : Number.NaN, norm, ev);
}

function disk(src: MetricSource): ResourceUse {
  const ev: string[] = [];
  let util = Number.NaN;
  let busiest = '';
  for (const s of src('node_disk_io_time_seconds_total')) {
    const r = rate(s.t, s.v);
    if (Number.isFinite(r) && !(r <= util)) {
      util = r;
      busiest = s.labels.device ?? '';
    }
  }
  if (Number.isFinite(util))
    ev.push(
      `node_disk_io_time_seconds_total: ${busiest || 'a device'} busy ${pct(clamp01(util))} of the time`,
    );
  let sat = psi(src, 'node_pressure_io_waiting_seconds_total');
  let unit = 'share of time waiting (PSI)';
  let norm = sat / PSI_FULL;
  if (Number.isFinite(sat))
    ev.push(`node_pressure_io_waiting_seconds_total: ${pct(sat)} of the time waiting on I/O`);
  else {
    let q = Number.NaN;
    for (const s of src('node_disk_io_time_weighted_seconds_total')) {
      const r = rate(s.t, s.v);
      if (Number.isFinite(r) && !(r <= q)) q = r;
    }
    if (Number.isFinite(q)) {
      sat = q;
      unit = 'average I/O queue length';
      norm = q / DISK_QUEUE_FULL;
      ev.push(`node_disk_io_time_weighted_seconds_total: average queue ${q.toFixed(2)}`);
    }
  }
  const errs = sumOver(src('node_filesystem_device_error'), (s) => lastFinite(s.v));
  if (errs > 0) ev.push(`node_filesystem_device_error: ${errs} filesystem(s) with device errors`);
  return result('disk', clamp01(util), sat, unit, errs, norm, ev);
}

function network(src: MetricSource): ResourceUse {
  const ev: string[] = [];
  const speeds = new Map<string, number>();
  for (const s of src('node_network_speed_bytes')) speeds.set(s.labels.device ?? '', lastFinite(s.v));
  let util = Number.NaN;
  const traffic = groupBy(
    [...src('node_network_receive_bytes_total'), ...src('node_network_transmit_bytes_total')],
    ['device'],
  );
  for (const [dev, g] of traffic) {
    if (dev === 'lo') continue;
    const speed = speeds.get(dev) ?? Number.NaN;
    // Full duplex: each direction has the link speed; the busier direction is the utilization.
    const perDir = g.series.map((s) => rate(s.t, s.v)).filter(Number.isFinite);
    if (speed > 0 && perDir.length) {
      const u = Math.max(...perDir) / speed;
      if (!(u <= util)) {
        util = u;
        ev.push(
          `node_network_*_bytes_total: ${dev} at ${pct(clamp01(u))} of ${(speed * 8e-6).toFixed(0)} Mbit/s`,
        );
      }
    }
  }
  const drops = sumOver(
    notLo([...src('node_network_receive_drop_total'), ...src('node_network_transmit_drop_total')]),
    (s) => rate(s.t, s.v),
  );
  if (drops > 0) ev.push(`node_network_*_drop_total: ${drops.toFixed(2)} packets/s dropped`);
  const errs = sumOver(
    notLo([...src('node_network_receive_errs_total'), ...src('node_network_transmit_errs_total')]),
    (s) => rate(s.t, s.v),
  );
  if (errs > 0) ev.push(`node_network_*_errs_total: ${errs.toFixed(2)} errors/s`);
  return result('network', clamp01(util), drops, 'packets dropped per second', errs, drops / DROPS_FULL, ev);
}

function notLo(series: SeriesData[]): SeriesData[] {
  return series.filter((s) => s.labels.device !== 'lo');
}

function eventloop(src: MetricSource): ResourceUse {
  const ev: string[] = [];
  let util = Number.NaN;
  for (const s of src('nodejs_eventloop_utilization_ratio'))
    util = Math.max(Number.isNaN(util) ? 0 : util, mean(s.v));
  if (Number.isFinite(util))
    ev.push(`nodejs_eventloop_utilization_ratio: event loop busy ${pct(util)} of the time`);
  let lag = Number.NaN;
  let which = 'nodejs_eventloop_lag_p99_seconds';
  for (const name of ['nodejs_eventloop_lag_p99_seconds', 'nodejs_eventloop_lag_seconds']) {
    for (const s of src(name)) lag = Math.max(Number.isNaN(lag) ? 0 : lag, mean(s.v));
    if (Number.isFinite(lag)) {
      which = name;
      break;
    }
  }
  if (Number.isFinite(lag)) ev.push(`${which}: ${(lag * 1000).toFixed(1)} ms average`);
  return result('eventloop', util, lag, 'seconds of event-loop lag', Number.NaN, lag / LAG_FULL_S, ev);
}

function result(
  resource: Resource,
  util: number,
  sat: number,
  unit: string,
  errors: number,
  norm: number,
  evidence: string[],
): ResourceUse {
  const u = finite(util);
  const s = finite(sat);
  const pressure = Math.max(u ?? 0, Number.isFinite(norm) ? clamp01(norm) : 0);
  return {
    resource,
    utilization: u,
    saturation: s,
    saturationUnit: unit,
    errors: finite(errors),
    pressure,
    evidence,
  };
}

/** USE figures for every resource with data in the window, and the most pressed one. */
export function bottlenecks(src: MetricSource): Bottlenecks {
  const all = [cpu(src), memory(src), disk(src), network(src), eventloop(src)];
  const resources = all.filter((r) => r.utilization !== null || r.saturation !== null || r.errors !== null);
  resources.sort((a, b) => b.pressure - a.pressure);
  const top = resources[0] ?? null;
  const summary = top
    ? `${top.resource} is the most saturated resource (pressure ${pct(top.pressure)}): ${top.evidence.join('; ') || 'no detail'}`
    : 'no resource metrics in this window';
  return { resources, top: top?.resource ?? null, summary };
}
