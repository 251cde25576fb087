// The analytics HTTP API (/api/sonde/v1/...): summaries, period comparison,
// trends, anomalies, forecasts, "what changed", USE bottlenecks, routes,
// health and recommendations, as JSON `{status: "success", data}` (errors:
// `{status: "error", errorType: "bad_data", error}` with 400). Every endpoint
// takes the window as from/to (Unix seconds or RFC 3339) or window=1h ending
// at to (default now). docs/analytics.md has an example per endpoint.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AnomalyDetector } from '../../analytics/anomaly/ensemble.js';
import { healthScore } from '../../analytics/app/health.js';
import { latencyOverall } from '../../analytics/app/latency.js';
import { DEFAULT_ROUTE_THRESHOLDS, DURATION_METRIC, routeStats } from '../../analytics/app/routes.js';
import { rankChanges } from '../../analytics/changes/changes.js';
import { holtWintersForecastNoted, MAX_FORECAST_POINTS } from '../../analytics/forecast/holt-winters.js';
import { fitLinear, predictLinear } from '../../analytics/forecast/linear.js';
import { timeToThresholdInterval } from '../../analytics/forecast/threshold.js';
import {
  type AnomalyFinding,
  type CapacityFinding,
  recommend,
} from '../../analytics/recommend/recommendations.js';
import { comparePeriods } from '../../analytics/stats/compare.js';
import { mergeSketches, sketchQuantile, windowIncrease } from '../../analytics/stats/histogram.js';
import { summarize } from '../../analytics/stats/summary.js';
import { trend } from '../../analytics/stats/trend.js';
import { lastFinite, type MetricSource } from '../../analytics/system/counters.js';
import { bottlenecks } from '../../analytics/system/use.js';
import { labelsKey } from '../../storage/labels.js';
import type { Matcher, SeriesData } from '../../storage/types.js';
import type { ApiDeps, RoutePlugin } from '../deps.js';
import { loadSeries, metricSource, selectRaw } from './data.js';
import { bool, num, ParamError, parseDuration, parseTime, type Query, str, window } from './params.js';

export const ANALYTICS_PREFIX = '/api/sonde/v1';

type Handler = (q: Query, deps: ApiDeps) => Promise<unknown> | unknown;

function histogramSummary(s: SeriesData) {
  if (!s.h || s.h.length === 0) return undefined;
  const sk = windowIncrease(s.h);
  const q = (p: number) => sketchQuantile(sk, p);
  return {
    count: sk.count,
    sum: sk.sum,
    p50: q(0.5),
    p90: q(0.9),
    p95: q(0.95),
    p99: q(0.99),
    p999: q(0.999),
  };
}

async function summary(q: Query, deps: ApiDeps) {
  const { from, to } = window(q);
  const series = await loadSeries(deps, str(q, 'query'), from, to);
  const sketches = series.filter((s) => s.h?.length).map((s) => windowIncrease(s.h!));
  const merged = sketches.length ? mergeSketches(sketches) : null;
  return {
    from,
    to,
    overall: summarize(...series.map((s) => s.v)),
    overallHistogram: merged
      ? {
          count: merged.count,
          sum: merged.sum,
          ...Object.fromEntries(
            [0.5, 0.9, 0.95, 0.99, 0.999].map((p) => [
              `p${p * 100}`.replace('.', ''),
              sketchQuantile(merged, p),
            ]),
          ),
        }
      : undefined,
    series: series.map((s) => ({
      labels: s.labels,
      summary: summarize(s.v),
      histogram: histogramSummary(s),
    })),
  };
}

async function compare(q: Query, deps: ApiDeps) {
  const { from, to } = window(q);
  // Default baseline: the window of equal length just before; baseline_from alone keeps that length.
  const bf = str(q, 'baseline_from');
  const bt = str(q, 'baseline_to');
  const baselineFrom = bf ? parseTime(bf, 'baseline_from') : from - (to - from);
  const baselineTo = bt ? parseTime(bt, 'baseline_to') : baselineFrom + (to - from);
  if (!(baselineFrom < baselineTo)) throw new ParamError('baseline_from must be before baseline_to');
  const opts = {
    alpha: num(q, 'alpha', 0.01),
    minEffect: num(q, 'min_effect', 0.05),
    higherIsWorse: bool(q, 'higher_is_worse', true),
  };
  const query = str(q, 'query');
  const [cur, base] = await Promise.all([
    loadSeries(deps, query, from, to),
    loadSeries(deps, query, baselineFrom, baselineTo),
  ]);
  const baseByKey = new Map(base.map((s) => [labelsKey(s.labels), s]));
  const pool = (ss: SeriesData[]) => Float64Array.from(ss.flatMap((s) => Array.from(s.v)));
  return {
    from,
    to,
    baselineFrom,
    baselineTo,
    overall: comparePeriods(pool(base), pool(cur), opts),
    series: cur
      .filter((s) => baseByKey.has(labelsKey(s.labels)))
      .map((s) => ({
        labels: s.labels,
        comparison: comparePeriods(baseByKey.get(labelsKey(s.labels))!.v, s.v, opts),
      })),
  };
}

async function trends(q: Query, deps: ApiDeps) {
  const { from, to } = window(q);
  const series = await loadSeries(deps, str(q, 'query'), from, to);
  return {
    from,
    to,
    series: series.map((s) => ({
      labels: s.labels,
      trend: trend(s.t, s.v, { alpha: num(q, 'alpha', 0.05) }),
    })),
  };
}

interface Episode {
  t: number;
  score: number;
  by: string;
}

function scoreAnomalies(s: SeriesData, from: number) {
  const d = new AnomalyDetector();
  const episodes: Episode[] = [];
  let score = 0;
  let by = 'none';
  let since = Number.NaN;
  let value = Number.NaN;
  for (let i = 0; i < s.t.length; i++) {
    const p = d.update(s.t[i], s.v[i]);
    if (!Number.isFinite(s.v[i])) continue;
    score = p.score;
    by = p.by;
    value = s.v[i];
    if (p.score >= 0.5) since = Number.isNaN(since) ? s.t[i] : since;
    else since = Number.NaN;
    if (p.flag && s.t[i] >= from) episodes.push({ t: s.t[i], score: p.score, by: p.by });
  }
  return {
    labels: s.labels,
    score,
    by,
    value,
    anomalous: score >= 0.5,
    since: Number.isNaN(since) ? null : since,
    episodes,
    seasonalityMs: d.seasonality(),
    stateBytes: d.bytes,
  };
}

function anomalyRate(results: ReturnType<typeof scoreAnomalies>[], label: string) {
  const groups = new Map<string, { series: number; anomalous: number }>();
  for (const r of results) {
    const key = r.labels[label];
    if (!key) continue;
    const g = groups.get(key) ?? { series: 0, anomalous: 0 };
    g.series++;
    if (r.anomalous) g.anomalous++;
    groups.set(key, g);
  }
  return [...groups].map(([k, g]) => ({
    [label]: k,
    series: g.series,
    anomalous: g.anomalous,
    rate: g.anomalous / g.series,
  }));
}

async function anomalies(q: Query, deps: ApiDeps) {
  const { from, to } = window(q);
  // The detector needs history before the window to learn what is normal.
  const history = str(q, 'history')
    ? parseDuration(str(q, 'history')!, 'history')
    : Math.max(to - from, 3_600_000);
  const series = await loadSeries(deps, str(q, 'query'), from - history, to);
  const results = series.map((s) => scoreAnomalies(s, from));
  results.sort((a, b) => b.score - a.score);
  return {
    from,
    to,
    anomalous: results.filter((r) => r.anomalous).length,
    byHost: anomalyRate(results, 'instance'),
    byApp: anomalyRate(results, 'job'),
    series: results,
  };
}

/** Series forecast per request at most (`limit`), and raw samples read for them. */
const FORECAST_MAX_SERIES = 200;
const FORECAST_MAX_SAMPLES = 10_000_000;

async function forecast(q: Query, deps: ApiDeps) {
  const { from, to } = window(q);
  const horizon = parseDuration(str(q, 'horizon') ?? '1h', 'horizon');
  const thresholdText = str(q, 'threshold');
  const threshold = thresholdText === undefined ? undefined : num(q, 'threshold', 0);
  const limit = num(q, 'limit', 50);
  if (!(limit >= 1 && limit <= FORECAST_MAX_SERIES))
    throw new ParamError(`limit: must be between 1 and ${FORECAST_MAX_SERIES}`);
  const series = (await loadSeries(deps, str(q, 'query'), from, to, FORECAST_MAX_SAMPLES)).slice(0, limit);
  const warnings = new Set<string>();
  const out = [];
  for (const s of series) {
    // Each series is bounded work (≤ MAX_FORECAST_POINTS out, a bounded fit);
    // yielding between them keeps the server answering meanwhile.
    if (out.length > 0) await new Promise<void>((r) => setImmediate(r));
    const fit = fitLinear(s.t, s.v);
    const last = s.t.length ? s.t[s.t.length - 1] : to;
    const eta = threshold === undefined ? undefined : timeToThresholdInterval(s.t, s.v, threshold);
    const { forecast: holtWinters, note } = holtWintersForecastNoted(s.t, s.v, horizon);
    if (note) warnings.add(note);
    out.push({
      labels: s.labels,
      holtWinters,
      linear: fit ? predictLinear(fit, last + horizon) : null,
      timeToThreshold: threshold === undefined ? undefined : { threshold, eta: eta ?? null },
    });
  }
  return {
    from,
    to,
    horizon,
    maxPointsPerSeries: MAX_FORECAST_POINTS,
    ...(warnings.size ? { warnings: [...warnings] } : {}),
    series: out,
  };
}

async function changes(q: Query, deps: ApiDeps) {
  const { from, to } = window(q);
  const series = await loadSeries(deps, str(q, 'query') ?? '{__name__=~".+"}', from - (to - from), to);
  return {
    from,
    to,
    baselineFrom: from - (to - from),
    changes: rankChanges(series, from, to, { limit: num(q, 'limit', 20) }),
  };
}

function source(q: Query, deps: ApiDeps, from: number, to: number): MetricSource {
  const extra: Matcher[] = [];
  const instance = str(q, 'instance');
  const job = str(q, 'job');
  if (instance) extra.push({ type: '=', name: 'instance', value: instance });
  if (job) extra.push({ type: '=', name: 'job', value: job });
  return metricSource(deps.storage, from, to, extra);
}

function routeThresholds(q: Query) {
  const d = DEFAULT_ROUTE_THRESHOLDS;
  return {
    warning: num(q, 'warning', d.warning),
    slow: num(q, 'slow', d.slow),
    critical: num(q, 'critical', d.critical),
    cacheHigh: num(q, 'cache_high', d.cacheHigh),
  };
}

function healthOf(q: Query, src: MetricSource, from: number, to: number) {
  const routes = routeStats(src, to - from, routeThresholds(q));
  const use = bottlenecks(src);
  const requests = routes.reduce((a, r) => a + (r.errorRate === null ? 0 : r.requests), 0);
  const errors = routes.reduce((a, r) => a + r.errors, 0);
  const health = healthScore({
    latency: latencyOverall(src, DURATION_METRIC),
    apdexT: num(q, 'apdex_t', 0.5),
    requests,
    errors,
    bottlenecks: use.top ? use : null,
  });
  return { routes, use, health };
}

function capacity(deps: ApiDeps, from: number, to: number): CapacityFinding[] {
  const out: CapacityFinding[] = [];
  for (const s of selectRaw(
    deps.storage,
    [{ type: '=', name: '__name__', value: 'node_filesystem_avail_bytes' }],
    from,
    to,
  )) {
    const eta = timeToThresholdInterval(s.t, s.v, 0);
    if (eta && eta.seconds < 30 * 86400)
      out.push({ labels: s.labels, threshold: 0, current: lastFinite(s.v), eta });
  }
  return out;
}

async function recommendations(q: Query, deps: ApiDeps) {
  const { from, to } = window(q);
  const src = source(q, deps, from, to);
  const { routes, use, health } = healthOf(q, src, from, to);
  let found: AnomalyFinding[] = [];
  if (str(q, 'query')) {
    const a = await anomalies(q, deps);
    found = a.series
      .filter((r) => r.anomalous)
      .map((r) => ({ labels: r.labels, since: r.since ?? to, score: r.score, by: r.by, value: r.value }));
  }
  return {
    from,
    to,
    recommendations: recommend({
      from,
      to,
      routes,
      bottlenecks: use,
      health,
      anomalies: found,
      capacity: capacity(deps, from, to),
    }),
  };
}

const HANDLERS: Record<string, Handler> = {
  summary,
  compare,
  trends,
  anomalies,
  forecast,
  changes,
  bottlenecks: (q, deps) => {
    const { from, to } = window(q);
    return { from, to, ...bottlenecks(source(q, deps, from, to)) };
  },
  routes: (q, deps) => {
    const { from, to } = window(q);
    const th = routeThresholds(q);
    return { from, to, thresholds: th, routes: routeStats(source(q, deps, from, to), to - from, th) };
  },
  health: (q, deps) => {
    const { from, to } = window(q);
    return { from, to, ...healthOf(q, source(q, deps, from, to), from, to).health };
  },
  recommendations,
};

export const analyticsRoutes: RoutePlugin = (app: FastifyInstance, deps: ApiDeps) => {
  for (const [name, handler] of Object.entries(HANDLERS)) {
    app.get(`${ANALYTICS_PREFIX}/${name}`, async (req: FastifyRequest, reply: FastifyReply) => {
      try {
        const data = await handler(req.query as Query, deps);
        return reply.send({ status: 'success', data });
      } catch (err) {
        if (err instanceof ParamError)
          return reply.code(400).send({ status: 'error', errorType: 'bad_data', error: err.message });
        throw err;
      }
    });
  }
};
