// A plain in-memory Storage: the reference the embedded engine is tested
// against, and a fixture for the query, analytics and alerting tests. No
// compression, no durability, no rollup tiers beyond computing them on read.
import { labelsKey, matchesAll } from './labels.js';
import type {
  Appender,
  AppendResult,
  HistogramSample,
  Labels,
  Matcher,
  MetricMetadata,
  Querier,
  RollupData,
  SeriesData,
  Storage,
  StorageStats,
  Tier,
} from './types.js';

interface MemSeries {
  labels: Labels;
  t: number[];
  v: Float64Array;
  n: number;
  ht: number[];
  h: HistogramSample[];
}

const TIER_MS: Record<Exclude<Tier, 'raw'>, number> = { '1m': 60_000, '1h': 3_600_000 };

function emptyResult(): {
  accepted: number;
  outOfOrder: number;
  duplicate: number;
  tooOld: number;
  invalid: number;
} {
  return { accepted: 0, outOfOrder: 0, duplicate: 0, tooOld: 0, invalid: 0 };
}

/** Whether a series has a sample in [mint, maxt] (no bounds: whether it has any). */
function hasData(s: MemSeries, mint = Number.NEGATIVE_INFINITY, maxt = Number.POSITIVE_INFINITY): boolean {
  for (let i = 0; i < s.n; i++) if (s.t[i] >= mint && s.t[i] <= maxt) return true;
  return s.ht.some((t) => t >= mint && t <= maxt);
}

export class MemoryStorage implements Storage {
  private readonly series = new Map<string, MemSeries>();
  private readonly meta = new Map<string, MetricMetadata>();
  private appended = 0;

  appender(): Appender {
    const pending: { labels: Labels; t: number; v?: number; h?: HistogramSample }[] = [];
    return {
      append: (labels, t, v) => void pending.push({ labels, t, v }),
      appendHistogram: (labels, t, h) => void pending.push({ labels, t, h }),
      rollback: () => void (pending.length = 0),
      commit: async (): Promise<AppendResult> => {
        const r = emptyResult();
        for (const p of pending) {
          if (!Number.isFinite(p.t) || !p.labels.__name__) {
            r.invalid++;
            continue;
          }
          const s = this.getOrCreate(p.labels);
          if (p.h) {
            const last = s.ht.length ? s.ht[s.ht.length - 1] : -Infinity;
            if (p.t <= last) {
              if (p.t === last) r.duplicate++;
              else r.outOfOrder++;
              continue;
            }
            s.ht.push(p.t);
            s.h.push(p.h);
          } else {
            const last = s.n ? s.t[s.n - 1] : -Infinity;
            if (p.t < last) {
              r.outOfOrder++;
              continue;
            }
            if (p.t === last) {
              if (!Object.is(s.v[s.n - 1], p.v)) r.duplicate++;
              continue;
            }
            if (s.n === s.v.length) {
              const grown = new Float64Array(Math.max(16, s.n * 2));
              grown.set(s.v);
              s.v = grown;
            }
            s.t.push(p.t);
            s.v[s.n++] = p.v!;
          }
          r.accepted++;
        }
        pending.length = 0;
        this.appended += r.accepted;
        return r;
      },
    };
  }

  private getOrCreate(labels: Labels): MemSeries {
    const key = labelsKey(labels);
    let s = this.series.get(key);
    if (!s) {
      const clean: Record<string, string> = {};
      for (const [k, v] of Object.entries(labels)) if (v !== '') clean[k] = v;
      s = { labels: Object.freeze(clean), t: [], v: new Float64Array(16), n: 0, ht: [], h: [] };
      this.series.set(key, s);
    }
    return s;
  }

  querier(): Querier {
    const all = [...this.series.values()];
    const pick = (matchers: readonly Matcher[] | undefined) =>
      all.filter((s) => !matchers || matchesAll(s.labels, matchers));
    return {
      select: function* (matchers, mint, maxt, hints) {
        for (const s of pick(matchers)) {
          let lo = 0;
          while (lo < s.n && s.t[lo] < mint) lo++;
          let hi = lo;
          while (hi < s.n && s.t[hi] <= maxt) hi++;
          const hIdx = s.ht.flatMap((t, i) => (t >= mint && t <= maxt ? [i] : []));
          if (hi === lo && hIdx.length === 0) continue;
          const data: SeriesData = hints?.labelsOnly
            ? { labels: s.labels, t: new Float64Array(0), v: new Float64Array(0) }
            : {
                labels: s.labels,
                t: Float64Array.from(s.t.slice(lo, hi)),
                v: s.v.slice(lo, hi),
                ...(hIdx.length
                  ? { ht: Float64Array.from(hIdx.map((i) => s.ht[i])), h: hIdx.map((i) => s.h[i]) }
                  : {}),
              };
          yield data;
        }
      },
      selectRollup: function* (matchers, mint, maxt, tier) {
        const res = TIER_MS[tier];
        for (const s of pick(matchers)) {
          const buckets = new Map<number, number[]>();
          for (let i = 0; i < s.n; i++) {
            if (s.t[i] < mint - res || s.t[i] > maxt) continue;
            const end = Math.floor(s.t[i] / res) * res + res;
            if (end < mint || end > maxt + res) continue;
            let b = buckets.get(end);
            if (!b) buckets.set(end, (b = []));
            b.push(i);
          }
          if (buckets.size === 0) continue;
          const ends = [...buckets.keys()].sort((a, b) => a - b);
          const out = {
            labels: s.labels,
            resolutionMs: res,
            t: new Float64Array(ends.length),
            min: new Float64Array(ends.length),
            max: new Float64Array(ends.length),
            sum: new Float64Array(ends.length),
            count: new Float64Array(ends.length),
            last: new Float64Array(ends.length),
            increase: new Float64Array(ends.length),
          } satisfies RollupData;
          let prev: number | undefined;
          ends.forEach((end, j) => {
            const idx = buckets.get(end)!;
            let min = Infinity;
            let max = -Infinity;
            let sum = 0;
            let inc = 0;
            for (const i of idx) {
              const v = s.v[i];
              min = Math.min(min, v);
              max = Math.max(max, v);
              sum += v;
              if (prev !== undefined) inc += v >= prev ? v - prev : v;
              prev = v;
            }
            out.t[j] = end;
            out.min[j] = min;
            out.max[j] = max;
            out.sum[j] = sum;
            out.count[j] = idx.length;
            out.last[j] = s.v[idx[idx.length - 1]];
            out.increase[j] = inc;
          });
          yield out;
        }
      },
      labelNames: (matchers, mint, maxt) => {
        const names = new Set<string>();
        for (const s of pick(matchers)) {
          if (hasData(s, mint, maxt)) for (const k of Object.keys(s.labels)) names.add(k);
        }
        return [...names].sort();
      },
      labelValues: (name, matchers, mint, maxt) => {
        const values = new Set<string>();
        for (const s of pick(matchers)) {
          if (s.labels[name] !== undefined && hasData(s, mint, maxt)) values.add(s.labels[name]);
        }
        return [...values].sort();
      },
      close: () => {},
    };
  }

  metadata(metric?: string): ReadonlyMap<string, MetricMetadata> {
    if (metric === undefined) return this.meta;
    const m = this.meta.get(metric);
    return new Map(m ? [[metric, m]] : []);
  }

  setMetadata(metric: string, meta: MetricMetadata): void {
    this.meta.set(metric, meta);
  }

  async deleteSeries(matchers: readonly Matcher[], mint = -Infinity, maxt = Infinity): Promise<number> {
    let touched = 0;
    for (const [key, s] of this.series) {
      if (!matchesAll(s.labels, matchers)) continue;
      touched++;
      const keepT: number[] = [];
      const keepV: number[] = [];
      for (let i = 0; i < s.n; i++) {
        if (s.t[i] < mint || s.t[i] > maxt) {
          keepT.push(s.t[i]);
          keepV.push(s.v[i]);
        }
      }
      if (keepT.length === 0 && s.h.length === 0) this.series.delete(key);
      else {
        s.t = keepT;
        s.v = Float64Array.from(keepV);
        s.n = keepT.length;
      }
    }
    return touched;
  }

  stats(): StorageStats {
    let samples = 0;
    let oldest: number | null = null;
    let newest: number | null = null;
    for (const s of this.series.values()) {
      samples += s.n + s.h.length;
      if (s.n) {
        oldest = Math.min(oldest ?? Infinity, s.t[0]);
        newest = Math.max(newest ?? -Infinity, s.t[s.n - 1]);
      }
    }
    return {
      series: this.series.size,
      headSeries: this.series.size,
      samplesAppended: this.appended,
      bytesOnDisk: 0,
      bytesPerSample: 0,
      oldestMs: oldest,
      newestMs: newest,
      tiers: [
        { tier: 'raw', retentionMs: Infinity, bytesOnDisk: 0, samples, oldestMs: oldest, newestMs: newest },
      ],
      rejected: emptyResult(),
      topMetrics: [],
      topLabels: [],
    };
  }

  async close(): Promise<void> {}
}
