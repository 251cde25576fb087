// Reads a sliced range query's selections before evaluating it, a series at
// a time with the event loop yielded every few milliseconds, so a query that
// loads millions of samples does not stall the server while it reads. Each
// selector's window over the whole range is worked out as the evaluator
// would ask for it (lookback, range, offset, `@`, subqueries' own ranges);
// the slices then find their windows in the cache. A window this misses is
// read by the slice itself, synchronously: slower, never wrong.
import type { Matcher } from '../../storage/types.js';
import type { Expr } from '../parser/ast.js';
import type { QueryContext } from './context.js';
import { readSeriesStepwise, selectionKey } from './selectors.js';

export interface SelectorWindow {
  readonly matchers: readonly Matcher[];
  readonly mint: number;
  readonly maxt: number;
  /** Steps it is evaluated at, and its range (0 for an instant selector). */
  readonly steps: number;
  readonly rangeMs: number;
}

/** The windows the evaluator reads for `e` evaluated over [start, end] (end inclusive) at `steps` steps. */
export function selectorWindows(
  e: Expr,
  start: number,
  end: number,
  steps: number,
  ctx: QueryContext,
  out: SelectorWindow[] = [],
): SelectorWindow[] {
  const atMs = (at: Extract<Expr, { kind: 'vectorSelector' }>['at']) =>
    at === null ? null : 'ms' in at ? at.ms : at.edge === 'start' ? ctx.queryStart : ctx.queryEnd;
  switch (e.kind) {
    case 'vectorSelector': {
      const at = atMs(e.at);
      const first = (at ?? start) - e.offsetMs;
      const last = (at ?? end) - e.offsetMs;
      out.push({
        matchers: e.matchers,
        mint: first - ctx.limits.lookbackDeltaMs,
        maxt: last,
        steps,
        rangeMs: 0,
      });
      break;
    }
    case 'matrixSelector': {
      const vs = e.selector;
      const at = atMs(vs.at);
      const first = (at ?? start) - vs.offsetMs;
      const last = (at ?? end) - vs.offsetMs;
      out.push({ matchers: vs.matchers, mint: first - e.rangeMs, maxt: last, steps, rangeMs: e.rangeMs });
      break;
    }
    case 'subquery': {
      const at = atMs(e.at);
      const step = e.stepMs || ctx.limits.subqueryStepMs;
      const innerStart = Math.ceil(((at ?? start) - e.offsetMs - e.rangeMs) / step) * step;
      const innerEnd = (at ?? end) - e.offsetMs;
      const inner = Math.floor((innerEnd - innerStart) / step) + 1;
      if (innerStart <= innerEnd) selectorWindows(e.expr, innerStart, innerEnd, inner, ctx, out);
      break;
    }
    case 'call':
      for (const a of e.args) selectorWindows(a, start, end, steps, ctx, out);
      break;
    case 'aggregate':
      selectorWindows(e.expr, start, end, steps, ctx, out);
      if (e.param) selectorWindows(e.param, start, end, steps, ctx, out);
      break;
    case 'binary':
      selectorWindows(e.lhs, start, end, steps, ctx, out);
      selectorWindows(e.rhs, start, end, steps, ctx, out);
      break;
    case 'unary':
    case 'paren':
      selectorWindows(e.expr, start, end, steps, ctx, out);
      break;
  }
  return out;
}

/**
 * Fills the slices' cache with every selection of `e` over the query's
 * `steps` steps, yielding the event loop whenever `sliceMs` of reading has
 * passed. Returns an estimate of the evaluation's work: per selector, the
 * windows it is evaluated over (series × steps), each weighted by the samples
 * in it; a few million is a light query (~0.1 s), tens of millions a heavy one.
 */
export async function preread(e: Expr, ctx: QueryContext, steps: number, sliceMs: number): Promise<number> {
  const sl = ctx.slices!;
  const windows = selectorWindows(e, sl.start, sl.end, steps, ctx);
  // One read per matcher set, over the union of its windows.
  const byKey = new Map<string, { matchers: readonly Matcher[]; mint: number; maxt: number }>();
  for (const w of windows) {
    const key = selectionKey(w.matchers);
    const prev = byKey.get(key);
    if (prev) {
      prev.mint = Math.min(prev.mint, w.mint);
      prev.maxt = Math.max(prev.maxt, w.maxt);
    } else byKey.set(key, { matchers: w.matchers, mint: w.mint, maxt: w.maxt });
  }
  const stats = new Map<string, { series: number; samples: number; spanMs: number }>();
  for (const [key, w] of byKey) {
    const read = await readSeriesStepwise(ctx, w.matchers, w.mint, w.maxt, sliceMs);
    ctx.account(read.samples);
    sl.cache.set(key, { mint: w.mint, maxt: w.maxt, series: read.series });
    stats.set(key, {
      series: read.series.length,
      samples: read.samples,
      spanMs: Math.max(1, w.maxt - w.mint),
    });
  }
  let work = 0;
  for (const w of windows) {
    const st = stats.get(selectionKey(w.matchers))!;
    const perWindow =
      st.series && w.rangeMs ? (st.samples / st.series) * Math.min(1, w.rangeMs / st.spanMs) : 0;
    work += st.series * w.steps * (1 + perWindow);
  }
  return work;
}
