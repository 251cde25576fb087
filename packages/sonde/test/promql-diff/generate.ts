// Deterministic test data for the differential suite: counters with resets,
// gauges with NaN and ±Inf, gaps, series that start late or end early,
// irregular scrape intervals, many label combinations and classic histograms.
// The same samples go to Prometheus (as OpenMetrics, backfilled by promtool)
// and to sonde (through the Storage interface).
import type { Labels, Storage } from '../../src/storage/types.js';

export interface GenSeries {
  labels: Labels;
  t: number[]; // ms
  v: number[];
}

/** Start of the data: a round time (ms) so that step alignment is easy to reason about. */
export const T0 = 1_700_000_000_000 - (1_700_000_000_000 % 7_200_000);
export const SPAN_MS = 2 * 3_600_000;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export function generate(seed = 42): GenSeries[] {
  const r = rng(seed);
  const out: GenSeries[] = [];
  const scrape = (
    labels: Labels,
    intervalMs: number,
    next: (i: number, t: number) => number | null,
    opts: { from?: number; to?: number; jitter?: boolean; gapEvery?: number } = {},
  ) => {
    const s: GenSeries = { labels, t: [], v: [] };
    const from = opts.from ?? 0;
    const to = opts.to ?? SPAN_MS;
    let i = 0;
    for (let off = from; off <= to; off += intervalMs, i++) {
      if (opts.gapEvery && Math.floor(i / opts.gapEvery) % 3 === 2) continue;
      const jitter = opts.jitter ? Math.round((r() - 0.5) * 2000) : 0;
      const v = next(i, off);
      if (v === null) continue;
      s.t.push(T0 + off + jitter);
      s.v.push(v);
    }
    if (s.t.length) out.push(s);
  };

  // Counters: 2 jobs × 3 instances × 2 codes × 2 methods, with resets, gaps, late and early series.
  let n = 0;
  for (const job of ['api', 'web']) {
    for (const instance of ['0', '1', '2']) {
      for (const code of ['200', '500']) {
        for (const method of ['GET', 'POST']) {
          const k = n++;
          let value = Math.floor(r() * 1000);
          const rate = code === '200' ? 5 + r() * 20 : r() * 2;
          scrape(
            { __name__: 'dt_requests_total', job, instance, code, method },
            k % 5 === 0 ? 10_000 : 15_000,
            () => {
              if (r() < 0.01) value = Math.floor(r() * 5);
              else value += Math.round(rate * (0.5 + r()) * 15);
              return value;
            },
            {
              from: k % 7 === 3 ? 40 * 60_000 : 0,
              to: k % 7 === 5 ? 80 * 60_000 : SPAN_MS,
              jitter: k % 4 === 1,
              gapEvery: k % 6 === 2 ? 20 : undefined,
            },
          );
        }
      }
    }
  }

  // Gauges: random walks, some negative, one with NaN and ±Inf sprinkled in.
  for (const host of ['a', 'b', 'c', 'd']) {
    for (const zone of ['east', 'west']) {
      let g = r() * 100 - 30;
      scrape({ __name__: 'dt_temperature', host, zone }, 30_000, () => (g += (r() - 0.5) * 10), {
        gapEvery: host === 'c' ? 15 : undefined,
      });
    }
  }
  scrape({ __name__: 'dt_weird', kind: 'specials' }, 30_000, (i) => {
    if (i % 17 === 5) return Number.NaN;
    if (i % 23 === 7) return Infinity;
    if (i % 29 === 11) return -Infinity;
    return round3((r() - 0.5) * 1e3);
  });
  scrape({ __name__: 'dt_weird', kind: 'tiny' }, 30_000, () => (r() - 0.5) * 1e-12);
  scrape({ __name__: 'dt_weird', kind: 'huge' }, 30_000, () => (r() + 0.5) * 1e300);
  scrape({ __name__: 'dt_const', kind: 'one' }, 60_000, () => 1);
  scrape({ __name__: 'dt_const', kind: 'zero' }, 60_000, () => 0);
  scrape({ __name__: 'dt_sparse' }, 600_000, (i) => i);

  // Two metrics that differ only by name (label-set collisions once names drop).
  scrape({ __name__: 'dt_a', x: '1' }, 15_000, (i) => i);
  scrape({ __name__: 'dt_b', x: '1' }, 15_000, (i) => i * 2);
  scrape({ __name__: 'dt_b', x: '2' }, 15_000, (i) => i * 3);

  // Info-like series for joins.
  for (const instance of ['0', '1', '2']) {
    scrape(
      { __name__: 'dt_info', instance, version: `v${instance}`, team: instance === '2' ? 'b' : 'a' },
      60_000,
      () => 1,
    );
  }

  // Classic histograms: 5 routes, cumulative buckets, _sum and _count.
  const les = ['0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '+Inf'];
  for (const route of ['/', '/api', '/login', '/search', '/static']) {
    const counts = les.map(() => 0);
    let sum = 0;
    const perRoute: GenSeries[] = les.map((le) => ({
      labels: { __name__: 'dt_latency_seconds_bucket', route, le },
      t: [],
      v: [],
    }));
    const sumS: GenSeries = { labels: { __name__: 'dt_latency_seconds_sum', route }, t: [], v: [] };
    const countS: GenSeries = { labels: { __name__: 'dt_latency_seconds_count', route }, t: [], v: [] };
    const scale = route === '/search' ? 2 : route === '/static' ? 0.05 : 0.3;
    for (let off = 0; off <= SPAN_MS; off += 15_000) {
      const obs = Math.floor(r() * 20);
      for (let o = 0; o < obs; o++) {
        const x = -Math.log(1 - r()) * scale;
        sum += x;
        les.forEach((le, j) => {
          if (x <= Number(le === '+Inf' ? Infinity : le)) counts[j]++;
        });
      }
      const t = T0 + off;
      perRoute.forEach((s, j) => {
        s.t.push(t);
        s.v.push(counts[j]);
      });
      sumS.t.push(t);
      sumS.v.push(round3(sum));
      countS.t.push(t);
      countS.v.push(counts[les.length - 1]);
    }
    out.push(...perRoute, sumS, countS);
  }
  return out;
}

function fmt(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** OpenMetrics text with explicit timestamps (seconds), families contiguous, ending in # EOF. */
export function toOpenMetrics(series: GenSeries[]): string {
  const byName = new Map<string, GenSeries[]>();
  for (const s of series) {
    const name = s.labels.__name__;
    let list = byName.get(name);
    if (!list) byName.set(name, (list = []));
    list.push(s);
  }
  const lines: string[] = [];
  for (const [name, list] of byName) {
    lines.push(`# TYPE ${name} unknown`);
    for (const s of list) {
      const labels = Object.entries(s.labels)
        .filter(([k]) => k !== '__name__')
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',');
      const head = labels ? `${name}{${labels}}` : name;
      for (let i = 0; i < s.t.length; i++) lines.push(`${head} ${fmt(s.v[i])} ${(s.t[i] / 1000).toFixed(3)}`);
    }
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

export async function loadInto(storage: Storage, series: GenSeries[]): Promise<void> {
  const app = storage.appender();
  for (const s of series) for (let i = 0; i < s.t.length; i++) app.append(s.labels, s.t[i], s.v[i]);
  const res = await app.commit();
  if (res.accepted !== series.reduce((n, s) => n + s.t.length, 0)) {
    throw new Error(`storage rejected samples: ${JSON.stringify(res)}`);
  }
}
