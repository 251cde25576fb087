// How the analytics API reads data: plain selectors straight from the store
// (raw samples, so percentiles are exact and histograms keep their buckets),
// any other PromQL expression through the query engine's range evaluation.
import { QueryError } from '../../query/types.js';
import type { MetricSource } from '../../analytics/system/counters.js';
import type { Labels, Matcher, SeriesData, Storage } from '../../storage/types.js';
import type { ApiDeps } from '../deps.js';
import { ParamError } from './params.js';
import { parseSelector } from './selector.js';

/** Series kept per request at most; more is an error that asks for a narrower query. */
export const MAX_SERIES = 2000;

export function selectRaw(
  storage: Storage,
  matchers: readonly Matcher[],
  from: number,
  to: number,
  maxSamples = Number.POSITIVE_INFINITY,
): SeriesData[] {
  const q = storage.querier();
  try {
    const out: SeriesData[] = [];
    let samples = 0;
    for (const s of q.select(matchers, from, to)) {
      out.push(s);
      if (out.length > MAX_SERIES)
        throw new ParamError(
          `the selection has more than ${MAX_SERIES} series; narrow it with label matchers`,
        );
      samples += s.t.length;
      if (samples > maxSamples)
        throw new ParamError(
          `the selection has more than ${maxSamples} samples; narrow the window or the selector`,
        );
    }
    return out;
  } finally {
    q.close();
  }
}

export async function loadSeries(
  deps: ApiDeps,
  query: string | undefined,
  from: number,
  to: number,
  maxSamples?: number,
): Promise<SeriesData[]> {
  if (!query) throw new ParamError('query: required (a series selector or PromQL expression)');
  const matchers = parseSelector(query);
  if (matchers) return selectRaw(deps.storage, matchers, from, to, maxSamples);
  const step = Math.max(1000, Math.ceil((to - from) / 1000 / 1000) * 1000);
  let value: Awaited<ReturnType<ApiDeps['engine']['range']>>;
  try {
    value = await deps.engine.range(query, from, to, step);
  } catch (err) {
    if (err instanceof QueryError) throw new ParamError(`query: ${err.message}`);
    throw err;
  }
  if (value.type === 'matrix') return value.series.map((s) => ({ ...s }));
  if (value.type === 'vector')
    return value.samples.map((s) => ({ labels: s.labels, t: Float64Array.of(s.t), v: Float64Array.of(s.v) }));
  if (value.type === 'scalar')
    return [{ labels: {} as Labels, t: Float64Array.of(value.t), v: Float64Array.of(value.v) }];
  throw new ParamError('query: a string result cannot be analysed');
}

/** Metric-by-name reads for the USE, route and health views, cached per request; `extra` narrows them (e.g. instance). */
export function metricSource(
  storage: Storage,
  from: number,
  to: number,
  extra: readonly Matcher[] = [],
): MetricSource {
  const cache = new Map<string, SeriesData[]>();
  return (metric) => {
    let s = cache.get(metric);
    if (!s) {
      s = selectRaw(storage, [{ type: '=', name: '__name__', value: metric }, ...extra], from, to);
      cache.set(metric, s);
    }
    return s;
  };
}
