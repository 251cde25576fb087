// The Storage seam over a remote Prometheus HTTP API, read side: raw samples
// through a range selector evaluated at the end of the window, labels and
// label values through the label APIs, rollups computed from raw samples.
// It holds no data; writes are refused with a message saying where data goes.
import { parseDuration } from '../config/duration.js';
import { QueryError } from '../query/types.js';
import type {
  Appender,
  Labels,
  Matcher,
  MetricMetadata,
  MetricType,
  Querier,
  RollupData,
  SeriesData,
  Storage,
  StorageStats,
  Tier,
} from '../storage/types.js';
import {
  apiUrl,
  clientConfig,
  encodeForm,
  type RemoteStoreConfig,
  secondsParam,
  selectorFor,
  unwrap,
} from './api.js';
import { BlockingHttp } from './blocking-http.js';
import { type ApiData, toQueryValue } from './convert.js';
import { rollup } from './rollup.js';

export const READ_ONLY_MESSAGE = 'this sonde reads from a remote store; send data to the remote';

export class RemoteStoreReadOnlyError extends Error {
  constructor() {
    super(READ_ONLY_MESSAGE);
    this.name = 'RemoteStoreReadOnlyError';
  }
}

const TIER_MS: Record<Exclude<Tier, 'raw'>, number> = { '1m': 60_000, '1h': 3_600_000 };
/** The label APIs need a window; without one, the last day (Prometheus's default is everything in the head). */
const DEFAULT_WINDOW_MS = 86_400_000;
/** The earliest start sent; VictoriaMetrics takes anything earlier as no start at all. */
const EPOCH_PLUS_1S = 1000;

export class RemoteStorage implements Storage {
  private readonly http: BlockingHttp;
  private readonly timeoutMs: number;
  private metaCache: { at: number; map: Map<string, MetricMetadata> } | undefined;

  constructor(
    private readonly config: RemoteStoreConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.http = new BlockingHttp(clientConfig(config));
    this.timeoutMs = parseDuration(config.remote_timeout);
  }

  /** One API call, blocking; the answer's `data`. */
  call<T>(path: string, params: [string, string][]): T {
    // Label values, metadata and status are GET-only in Prometheus.
    const method = /^\/api\/v1\/(label\/|metadata|status)/.test(path) ? 'GET' : 'POST';
    let res: ReturnType<BlockingHttp['request']>;
    try {
      res = this.http.request(method, apiUrl(this.config.url, path), encodeForm(params), this.timeoutMs);
    } catch (err) {
      throw new QueryError(`remote store ${this.config.url}: ${(err as Error).message}`, 'internal');
    }
    return unwrap<T>(res, this.config.url);
  }

  appender(): Appender {
    return {
      append() {},
      appendHistogram() {},
      rollback() {},
      commit: () => Promise.reject(new RemoteStoreReadOnlyError()),
    };
  }

  querier(): Querier {
    const window = (mint?: number, maxt?: number) => this.windowParams(mint, maxt);
    const matchParams = (matchers?: readonly Matcher[]): [string, string][] =>
      matchers?.length ? [['match[]', selectorFor(matchers)]] : [];
    return {
      select: (matchers, mint, maxt, hints) => this.select(matchers, mint, maxt, hints?.labelsOnly ?? false),
      selectRollup: (matchers, mint, maxt, tier) => {
        const res = TIER_MS[tier];
        const out: RollupData[] = [];
        for (const s of this.select(matchers, mint - res, maxt, false)) {
          const r = rollup(s, res, mint, maxt);
          if (r) out.push(r);
        }
        return out;
      },
      labelNames: (matchers, mint, maxt) =>
        this.call<string[]>('/api/v1/labels', [...matchParams(matchers), ...window(mint, maxt)]).sort(),
      labelValues: (name, matchers, mint, maxt) =>
        this.call<string[]>(`/api/v1/label/${encodeURIComponent(name)}/values`, [
          ...matchParams(matchers),
          ...window(mint, maxt),
        ]).sort(),
      close: () => {},
    };
  }

  /**
   * start/end for the series and label APIs. "All time" (Prometheus's
   * min/max time, infinities) is narrowed to what every remote answers:
   * VictoriaMetrics finds no series when the end lies centuries ahead, and it
   * reads a start at or before 1970 as "no start" and searches only the five
   * minutes before the end (which found today's series only while the end
   * fell on the same UTC day), so "all time" starts one second after the
   * epoch. With no start at all, the last day.
   */
  private windowParams(mint: number | undefined, maxt: number | undefined): [string, string][] {
    const end = Math.min(
      maxt !== undefined && Number.isFinite(maxt) ? maxt : Infinity,
      this.now() + 3_600_000,
    );
    const start =
      mint === undefined
        ? end - DEFAULT_WINDOW_MS
        : Math.max(Number.isFinite(mint) ? mint : -Infinity, EPOCH_PLUS_1S);
    return [
      ['start', secondsParam(Math.min(start, end))],
      ['end', secondsParam(end)],
    ];
  }

  private select(
    matchers: readonly Matcher[],
    mint: number,
    maxt: number,
    labelsOnly: boolean,
  ): SeriesData[] {
    const selector = selectorFor(matchers);
    if (labelsOnly) {
      const series = this.call<Labels[]>('/api/v1/series', [
        ['match[]', selector],
        ...this.windowParams(mint, maxt),
      ]);
      return series.map((labels) => ({ labels, t: new Float64Array(0), v: new Float64Array(0) }));
    }
    // A range selector at maxt returns the raw samples; one more ms than the
    // window so both ends are inclusive whatever the remote's convention.
    // "Everything" (Prometheus's min/max time, or infinities) becomes a
    // window a remote can evaluate: up to an hour ahead, ten years back.
    maxt = Math.min(Number.isFinite(maxt) ? maxt : Infinity, this.now() + 3_600_000);
    mint = Math.max(Number.isFinite(mint) ? mint : -Infinity, maxt - 10 * 365 * 86_400_000);
    if (mint > maxt) return [];
    const rangeMs = Math.max(1, Math.ceil(maxt - mint) + 1);
    const value = toQueryValue(
      this.call<ApiData>('/api/v1/query', [
        ['query', `${selector}[${rangeMs}ms]`],
        ['time', secondsParam(maxt)],
      ]),
    );
    if (value.type !== 'matrix')
      throw new QueryError(`remote store answered a ${value.type} to a range selector`, 'internal');
    const out: SeriesData[] = [];
    for (const s of value.series) {
      let lo = 0;
      while (lo < s.t.length && s.t[lo] < mint) lo++;
      const data: { -readonly [K in keyof SeriesData]: SeriesData[K] } = {
        labels: s.labels,
        t: s.t.subarray(lo),
        v: s.v.subarray(lo),
      };
      if (s.ht && s.h) {
        const keep = [...s.ht].map((t, i) => (t >= mint ? i : -1)).filter((i) => i >= 0);
        data.ht = Float64Array.from(keep, (i) => s.ht![i]);
        data.h = keep.map((i) => s.h![i]);
      }
      if (data.t.length || data.ht?.length) out.push(data);
    }
    return out;
  }

  metadata(metric?: string): ReadonlyMap<string, MetricMetadata> {
    const now = Date.now();
    if (!this.metaCache || now - this.metaCache.at > 60_000) {
      const raw = this.call<Record<string, { type: string; help: string; unit: string }[]>>(
        '/api/v1/metadata',
        [],
      );
      const map = new Map<string, MetricMetadata>();
      for (const [name, list] of Object.entries(raw ?? {})) {
        const m = list[0];
        if (m)
          map.set(name, {
            type: (m.type || 'unknown') as MetricType,
            help: m.help ?? '',
            unit: m.unit ?? '',
          });
      }
      this.metaCache = { at: now, map };
    }
    const map = this.metaCache.map;
    if (metric === undefined) return map;
    const m = map.get(metric);
    return new Map(m ? [[metric, m]] : []);
  }

  /** Metadata belongs to the remote; what sonde learns locally is not sent there. */
  setMetadata(): void {}

  deleteSeries(): Promise<number> {
    return Promise.reject(new RemoteStoreReadOnlyError());
  }

  stats(): StorageStats {
    let series = 0;
    try {
      const tsdb = this.call<{ headStats?: { numSeries?: number }; totalSeries?: number }>(
        '/api/v1/status/tsdb',
        [],
      );
      series = tsdb.headStats?.numSeries ?? tsdb.totalSeries ?? 0;
    } catch {
      // Not every remote has the status API; the figures stay zero.
    }
    const rejected = { accepted: 0, outOfOrder: 0, duplicate: 0, tooOld: 0, invalid: 0 };
    return {
      series,
      headSeries: series,
      samplesAppended: 0,
      bytesOnDisk: 0,
      bytesPerSample: 0,
      oldestMs: null,
      newestMs: null,
      tiers: [],
      rejected,
      topMetrics: [],
      topLabels: [],
    };
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
