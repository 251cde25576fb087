// The application view: routes ranked by P95 latency with a severity, their
// error rates, cache hit rates and throughput, from
// http_server_request_duration_seconds (histogram) and
// http_server_requests_total{route, method, status_code, cache}.
import type { SeriesData } from '../../storage/types.js';
import { increase, type MetricSource } from '../system/counters.js';
import { latencyByGroup } from './latency.js';

export const DURATION_METRIC = 'http_server_request_duration_seconds';
export const REQUESTS_METRIC = 'http_server_requests_total';

export type Severity = 'good' | 'warning' | 'slow' | 'critical' | 'unknown';
export type CacheRating = 'high' | 'low' | 'none';

export interface RouteThresholds {
  /** P95 below this (seconds) is good (default 0.1). */
  readonly warning: number;
  /** ... below this is a warning (default 0.5). */
  readonly slow: number;
  /** ... below this slow, at or above critical (default 1). */
  readonly critical: number;
  /** Cache hit rate at or above this is high (default 0.7). */
  readonly cacheHigh: number;
}

export const DEFAULT_ROUTE_THRESHOLDS: RouteThresholds = {
  warning: 0.1,
  slow: 0.5,
  critical: 1,
  cacheHigh: 0.7,
};

export interface RouteStats {
  readonly method: string;
  readonly route: string;
  readonly requests: number;
  /** Requests per second over the window. */
  readonly throughput: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly severity: Severity;
  /** Share of requests answered 5xx, null without status codes. */
  readonly errorRate: number | null;
  readonly errors: number;
  /** Share of cache-eligible requests served from cache, null when none were. */
  readonly cacheHitRate: number | null;
  readonly cache: CacheRating;
}

export function severityOf(p95: number | null, th: RouteThresholds = DEFAULT_ROUTE_THRESHOLDS): Severity {
  if (p95 === null || !Number.isFinite(p95)) return 'unknown';
  if (p95 < th.warning) return 'good';
  if (p95 < th.slow) return 'warning';
  if (p95 < th.critical) return 'slow';
  return 'critical';
}

const keyOf = (s: SeriesData) => `${s.labels.method ?? ''} ${s.labels.route ?? ''}`;
const num = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** Routes sorted by P95, slowest first; `windowMs` turns counts into throughput. */
export function routeStats(
  src: MetricSource,
  windowMs: number,
  th: RouteThresholds = DEFAULT_ROUTE_THRESHOLDS,
): RouteStats[] {
  const latency = latencyByGroup(src, DURATION_METRIC, keyOf);
  const counts = new Map<
    string,
    { requests: number; errors: number; withStatus: boolean; hits: number; cacheable: number }
  >();
  for (const s of src(REQUESTS_METRIC)) {
    const k = keyOf(s);
    let c = counts.get(k);
    if (!c) counts.set(k, (c = { requests: 0, errors: 0, withStatus: false, hits: 0, cacheable: 0 }));
    const n = increase(s.v);
    c.requests += n;
    const code = s.labels.status_code ?? s.labels.code;
    if (code) {
      c.withStatus = true;
      if (code.startsWith('5')) c.errors += n;
    }
    const cache = s.labels.cache;
    if (cache === 'hit' || cache === 'miss' || cache === 'stale' || cache === 'expired') {
      c.cacheable += n;
      if (cache === 'hit') c.hits += n;
    }
  }
  const keys = new Set([...latency.keys(), ...counts.keys()]);
  const out: RouteStats[] = [];
  for (const k of keys) {
    const [method, ...rest] = k.split(' ');
    const lat = latency.get(k);
    const c = counts.get(k);
    const requests = c ? c.requests : (lat?.count ?? 0);
    const p95 = lat ? num(lat.quantile(0.95)) : null;
    const hitRate = c && c.cacheable > 0 ? c.hits / c.cacheable : null;
    out.push({
      method,
      route: rest.join(' '),
      requests,
      throughput: windowMs > 0 ? requests / (windowMs / 1000) : 0,
      p50: lat ? num(lat.quantile(0.5)) : null,
      p95,
      p99: lat ? num(lat.quantile(0.99)) : null,
      severity: severityOf(p95, th),
      errorRate: c?.withStatus && c.requests > 0 ? c.errors / c.requests : null,
      errors: c?.errors ?? 0,
      cacheHitRate: hitRate,
      cache: hitRate === null || hitRate === 0 ? 'none' : hitRate >= th.cacheHigh ? 'high' : 'low',
    });
  }
  out.sort((a, b) => (b.p95 ?? -1) - (a.p95 ?? -1) || b.requests - a.requests);
  return out;
}
