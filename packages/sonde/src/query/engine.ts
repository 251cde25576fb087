// The PromQL engine: parses, evaluates over the Storage seam, and shapes the
// result. Instant queries are range evaluations of one step.
import { parseDuration } from '../config/duration.js';
import type { HistogramSample, Storage } from '../storage/types.js';
import { toSample } from './eval/histogram.js';
import { Evaluator } from './eval/evaluator.js';
import { QueryContext } from './eval/context.js';
import { keyOf } from './eval/labels.js';
import { preread, selectorWindows } from './eval/preread.js';
import type { EvalValue } from './eval/values.js';
import './functions/index.js';
import { type Expr, TYPE_NAME, unwrapParens } from './parser/ast.js';
import { parseExpr, typeOf } from './parser/parse.js';
import { DEFAULT_SLICES, SliceMerger, type SlicePlan, SliceSizer, yieldToLoop } from './range-slices.js';
import {
  type InstantSample,
  QueryError,
  type QueryEngine,
  type QueryOptions,
  type QueryValue,
  type RangeSeries,
} from './types.js';

export interface EngineOptions {
  /** How far back an instant selector looks for a sample (default 5 m). */
  readonly lookbackDeltaMs?: number;
  /** Most samples one query may load or hold (default 50,000,000, as Prometheus). */
  readonly maxSamples?: number;
  /** Query timeout (default 2 min, as Prometheus). */
  readonly timeoutMs?: number;
  /** Step of subqueries that give none (default 1 m, Prometheus's evaluation interval). */
  readonly subqueryStepMs?: number;
  /** Most points per series a range query may return (default 11,000, as Prometheus). */
  readonly maxPointsPerSeries?: number;
  /** How range queries are cut into slices of steps with the event loop yielded between them. */
  readonly slices?: SlicePlan;
}

/** Engine options from the `query` config section (durations as "5m"). */
export function engineOptionsFromConfig(query: {
  readonly lookback_delta: string;
  readonly timeout: string;
  readonly max_samples: number;
}): EngineOptions {
  return {
    lookbackDeltaMs: parseDuration(query.lookback_delta),
    timeoutMs: parseDuration(query.timeout),
    maxSamples: query.max_samples,
  };
}

export interface PromQLEngine extends QueryEngine {
  /** Parses and type-checks an expression; throws QueryError('bad_data'). */
  parse(expr: string): Expr;
}

const DEFAULTS = {
  lookbackDeltaMs: 5 * 60_000,
  maxSamples: 50_000_000,
  timeoutMs: 120_000,
  subqueryStepMs: 60_000,
  maxPointsPerSeries: 11_000,
  slices: DEFAULT_SLICES,
};

/** Whether the instant result keeps the order evaluation gave it. */
function ordered(e: Expr): boolean {
  const u = unwrapParens(e);
  if (u.kind === 'call') return u.name === 'sort' || u.name === 'sort_desc';
  if (u.kind === 'aggregate') return u.op === 'topk' || u.op === 'bottomk';
  return false;
}

/** Sorts in place by label set (Prometheus's order), without touching the items. */
function sortByLabels<T extends { labels: Readonly<Record<string, string>> }>(items: T[]): T[] {
  const keyed = items.map((item) => ({ item, key: keyOf({ labels: item.labels }) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (let i = 0; i < items.length; i++) items[i] = keyed[i].item;
  return items;
}

export function createQueryEngine(storage: Storage, opts: EngineOptions = {}): PromQLEngine {
  const cfg = { ...DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) };

  const run = async <T>(
    start: number,
    end: number,
    o: QueryOptions | undefined,
    fn: (ctx: QueryContext) => T | Promise<T>,
  ): Promise<T> => {
    const querier = o?.querier ?? storage.querier();
    try {
      const ctx = new QueryContext(
        querier,
        {
          lookbackDeltaMs: o?.lookbackDeltaMs ?? cfg.lookbackDeltaMs,
          maxSamples: cfg.maxSamples,
          deadline: Date.now() + (o?.timeoutMs ?? cfg.timeoutMs),
          signal: o?.signal,
          subqueryStepMs: cfg.subqueryStepMs,
        },
        start,
        end,
      );
      ctx.checkNow();
      return await fn(ctx);
    } catch (err) {
      if (err instanceof QueryError) throw err;
      if (
        err instanceof RangeError &&
        /allocation|Array buffer|Invalid typed array length/i.test(err.message)
      ) {
        throw new QueryError(
          'query processing would load too many samples into memory in query execution',
          'execution',
        );
      }
      throw new QueryError((err as Error).message ?? String(err), 'execution');
    } finally {
      if (querier !== o?.querier) querier.close();
    }
  };

  // Dashboards and rules ask the same expressions over and over: keep their
  // parsed trees (evaluation never changes a tree). Failures are not kept.
  const parsed = new Map<string, Expr>();
  const parse = (expr: string): Expr => {
    let ast = parsed.get(expr);
    if (ast) return ast;
    ast = parseExpr(expr);
    if (parsed.size >= 1000) parsed.delete(parsed.keys().next().value!);
    parsed.set(expr, ast);
    return ast;
  };

  return {
    parse,

    async instant(expr: string, timeMs: number, o?: QueryOptions): Promise<QueryValue> {
      const ast = parse(expr);
      const t = Math.round(timeMs);
      return run(t, t, o, async (ctx) => {
        // Reading is most of a heavy instant query's cost: one that reads ranges or subquery steps
        // (its selections as preread works them out) reads them ahead, a series at a time with the
        // event loop yielded every few milliseconds, as a range query does, and the evaluation
        // then finds its windows read. A one-step plan reads every query ahead (tests).
        const reads = selectorWindows(ast, t, t, 1, ctx);
        if (cfg.slices.firstSteps <= 1 || reads.some((w) => w.rangeMs > 0 || w.steps > 1)) {
          ctx.slices = { start: t, end: t, from: t, to: t, readMs: 0, cache: new Map() };
          await preread(ast, ctx, 1, cfg.slices.sliceMs);
          ctx.checkNow();
        }
        const ev = new Evaluator(ctx, t, t, 1);
        const val = ev.eval(ast);
        return toInstant(val, t, ordered(ast));
      });
    },

    async range(
      expr: string,
      startMs: number,
      endMs: number,
      stepMs: number,
      o?: QueryOptions,
    ): Promise<QueryValue> {
      const ast = parse(expr);
      if (!(stepMs > 0))
        throw new QueryError(
          'zero or negative query resolution step widths are not accepted. Try a positive integer',
          'bad_data',
        );
      if (endMs < startMs) throw new QueryError('end timestamp must not be before start time', 'bad_data');
      const start = Math.round(startMs);
      const end = Math.round(endMs);
      const step = Math.round(stepMs);
      if ((end - start) / step > cfg.maxPointsPerSeries)
        throw new QueryError(
          `exceeded maximum resolution of ${cfg.maxPointsPerSeries.toLocaleString('en-US')} points per timeseries. Try decreasing the query resolution (?step=XX)`,
          'bad_data',
        );
      const type = typeOf(ast);
      if (type !== 'vector' && type !== 'scalar')
        throw new QueryError(
          `invalid expression type "${TYPE_NAME[type]}" for range query, must be Scalar or instant Vector`,
          'bad_data',
        );
      return run(start, end, o, async (ctx) => {
        const whole = new Evaluator(ctx, start, end, step);
        const steps = whole.steps;
        let size = Math.min(steps, cfg.slices.firstSteps);
        if (size === steps) return toMatrix(whole.eval(ast), whole);
        // A slice of steps at a time, yielding between slices when the query is heavy.
        ctx.slices = { start, end, from: start, to: end, readMs: 0, cache: new Map() };
        const work = await preread(ast, ctx, steps, cfg.slices.sliceMs);
        if (work <= cfg.slices.lightWork) return toMatrix(whole.eval(ast), whole);
        const merged = new SliceMerger(steps);
        const sizer = new SliceSizer(cfg.slices);
        for (let done = 0; done < steps; ) {
          const from = start + done * step;
          const to = from + (size - 1) * step;
          ctx.slices.from = from;
          ctx.slices.to = to;
          const t0 = performance.now();
          const read0 = ctx.slices.readMs;
          merged.add(new Evaluator(ctx, from, to, step).eval(ast), done);
          done += size;
          if (done >= steps) break;
          const elapsed = performance.now() - t0;
          // The store is read once, in the first slices: not a cost of each slice.
          const next = sizer.next(elapsed - (ctx.slices.readMs - read0), size, steps - done);
          if (next < steps - done || elapsed > cfg.slices.sliceMs) {
            await yieldToLoop();
            ctx.checkNow();
          }
          size = next;
        }
        return toMatrix(merged.result(), whole);
      });
    },
  };
}

function toInstant(val: EvalValue, t: number, keepOrder: boolean): QueryValue {
  switch (val.type) {
    case 'scalar':
      return { type: 'scalar', t, v: val.v[0] };
    case 'string':
      return { type: 'string', t, v: val.value };
    case 'vector': {
      const present = val.series.filter((s) => s.has[0]);
      if (!keepOrder) sortByLabels(present);
      const samples: InstantSample[] = present.map((s) =>
        s.h?.[0]
          ? { labels: s.labels, t, v: Number.NaN, h: toSample(s.h[0]) }
          : { labels: s.labels, t, v: s.v[0] },
      );
      return { type: 'vector', samples };
    }
    case 'matrix': {
      const end = (val.atMs ?? t) - val.offsetMs;
      const start = end - val.rangeMs;
      const series: RangeSeries[] = [];
      for (const s of val.series) {
        let lo = 0;
        while (lo < s.t.length && s.t[lo] < start) lo++;
        let hi = lo;
        while (hi < s.t.length && s.t[hi] <= end) hi++;
        let hlo = 0;
        const ht = s.ht ?? new Float64Array(0);
        while (hlo < ht.length && ht[hlo] < start) hlo++;
        let hhi = hlo;
        while (hhi < ht.length && ht[hhi] <= end) hhi++;
        if (hhi > hlo) {
          series.push({
            labels: s.labels,
            t: s.t.slice(lo, hi),
            v: s.v.slice(lo, hi),
            ht: ht.slice(hlo, hhi),
            h: s.h!.slice(hlo, hhi),
          });
        } else if (hi > lo) series.push({ labels: s.labels, t: s.t.slice(lo, hi), v: s.v.slice(lo, hi) });
      }
      sortByLabels(series);
      return { type: 'matrix', series };
    }
  }
}

function toMatrix(val: EvalValue, ev: Evaluator): QueryValue {
  const n = ev.steps;
  if (val.type === 'scalar') {
    const t = new Float64Array(n);
    for (let i = 0; i < n; i++) t[i] = ev.time(i);
    return { type: 'matrix', series: [{ labels: {}, t, v: Float64Array.from(val.v) }] };
  }
  if (val.type !== 'vector')
    throw new QueryError(`unexpected ${val.type} result for a range query`, 'execution');
  const series: RangeSeries[] = [];
  for (const s of val.series) {
    let count = 0;
    for (let i = 0; i < n; i++) count += s.has[i];
    if (count === 0) continue;
    if (s.h) {
      const ft: number[] = [];
      const fv: number[] = [];
      const ht: number[] = [];
      const hs: HistogramSample[] = [];
      for (let i = 0; i < n; i++) {
        if (!s.has[i]) continue;
        const h = s.h[i];
        if (h) {
          ht.push(ev.time(i));
          hs.push(toSample(h));
        } else {
          ft.push(ev.time(i));
          fv.push(s.v[i]);
        }
      }
      series.push({
        labels: s.labels,
        t: Float64Array.from(ft),
        v: Float64Array.from(fv),
        ht: Float64Array.from(ht),
        h: hs,
      });
      continue;
    }
    const t = new Float64Array(count);
    const v = new Float64Array(count);
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (!s.has[i]) continue;
      t[k] = ev.time(i);
      v[k++] = s.v[i];
    }
    series.push({ labels: s.labels, t, v });
  }
  sortByLabels(series);
  return { type: 'matrix', series };
}
