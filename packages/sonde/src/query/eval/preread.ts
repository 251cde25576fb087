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
}

/** The windows the evaluator reads for `e` evaluated over [start, end] (end inclusive). */
export function selectorWindows(
  e: Expr,
  start: number,
  end: number,
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
      out.push({ matchers: e.matchers, mint: first - ctx.limits.lookbackDeltaMs, maxt: last });
      break;
    }
    case 'matrixSelector': {
      const vs = e.selector;
      const at = atMs(vs.at);
      const first = (at ?? start) - vs.offsetMs;
      const last = (at ?? end) - vs.offsetMs;
      out.push({ matchers: vs.matchers, mint: first - e.rangeMs, maxt: last });
      break;
    }
    case 'subquery': {
      const at = atMs(e.at);
      const step = e.stepMs || ctx.limits.subqueryStepMs;
      const innerStart = Math.ceil(((at ?? start) - e.offsetMs - e.rangeMs) / step) * step;
      const innerEnd = (at ?? end) - e.offsetMs;
      if (innerStart <= innerEnd) selectorWindows(e.expr, innerStart, innerEnd, ctx, out);
      break;
    }
    case 'call':
      for (const a of e.args) selectorWindows(a, start, end, ctx, out);
      break;
    case 'aggregate':
      selectorWindows(e.expr, start, end, ctx, out);
      if (e.param) selectorWindows(e.param, start, end, ctx, out);
      break;
    case 'binary':
      selectorWindows(e.lhs, start, end, ctx, out);
      selectorWindows(e.rhs, start, end, ctx, out);
      break;
    case 'unary':
    case 'paren':
      selectorWindows(e.expr, start, end, ctx, out);
      break;
  }
  return out;
}

/**
 * Fills the slices' cache with every selection of `e` over the query's range,
 * yielding the event loop whenever `sliceMs` of reading has passed.
 */
export async function preread(e: Expr, ctx: QueryContext, sliceMs: number): Promise<void> {
  const sl = ctx.slices!;
  // One read per matcher set, over the union of its windows.
  const byKey = new Map<string, { matchers: readonly Matcher[]; mint: number; maxt: number }>();
  for (const w of selectorWindows(e, sl.start, sl.end, ctx)) {
    const key = selectionKey(w.matchers);
    const prev = byKey.get(key);
    if (prev) {
      prev.mint = Math.min(prev.mint, w.mint);
      prev.maxt = Math.max(prev.maxt, w.maxt);
    } else byKey.set(key, { matchers: w.matchers, mint: w.mint, maxt: w.maxt });
  }
  for (const [key, w] of byKey) {
    const read = await readSeriesStepwise(ctx, w.matchers, w.mint, w.maxt, sliceMs);
    ctx.account(read.samples);
    sl.cache.set(key, { mint: w.mint, maxt: w.maxt, series: read.series });
  }
}
