// The PromQL function table. Each family of functions registers itself from its
// own file; extensions (analytics' anomaly_score, forecast_linear, ...) call
// registerFunction the same way and need no change to the engine.
import type { Expr, ValueType } from '../parser/ast.js';
import type { FHist } from '../eval/histogram.js';
import type { EvalValue, MatrixValue } from '../eval/values.js';

/**
 * One step's window over a series' samples for a range-vector function:
 * samples `lo` (inclusive) to `hi` (exclusive) of `t`/`v`. Reused across calls:
 * read it, do not keep it.
 */
export interface RangeWindow {
  t: Float64Array;
  v: Float64Array;
  lo: number;
  hi: number;
  /** The evaluation time of this step (ms). */
  stepMs: number;
  /** The window's bounds (ms, both inclusive) and its length. */
  startMs: number;
  endMs: number;
  rangeMs: number;
  /** The other arguments' scalar values at this step, by argument position (the matrix slot is NaN). */
  args: Float64Array;
}

/** One step's window over a series' native-histogram samples `lo`..`hi` (exclusive). */
export interface HistogramWindow {
  t: Float64Array;
  h: readonly FHist[];
  lo: number;
  hi: number;
  stepMs: number;
  startMs: number;
  endMs: number;
  rangeMs: number;
}

/** What a `call` implementation can use. */
export interface CallContext {
  /** Number of steps and the time of each (ms). */
  readonly steps: number;
  stepTime(i: number): number;
  /** The call's argument expressions as written (absent() reads their matchers). */
  readonly argExprs: readonly Expr[];
  /** Calls fn for each series' non-empty window at each step of a range-vector argument. */
  forEachWindow(
    m: MatrixValue,
    fn: (series: number, step: number, lo: number, hi: number, startMs: number, endMs: number) => void,
  ): void;
  /** Throws a QueryError('execution'). */
  fail(message: string): never;
}

export interface FunctionDef {
  /** Argument types in order; with `variadic` the last one may repeat or be left out. */
  readonly argTypes: readonly ValueType[];
  /** 0: exact arity; n > 0: up to n optional trailing args; -1: any number. */
  readonly variadic?: number;
  readonly returnType: ValueType;
  /** Keep `__name__` on the output (most functions drop it, as Prometheus does). */
  readonly keepName?: boolean;
  /** A range-vector function: one value per series and step from its window, or undefined for none. */
  readonly overRange?: (w: RangeWindow) => number | undefined;
  /** With overRange: the answer for a window of native histograms (rate, increase, delta). */
  readonly overRangeHistogram?: (w: HistogramWindow) => FHist | undefined;
  /** An element-wise instant-vector function: one value per sample (undefined drops it). */
  readonly perSample?: (v: number, args: Float64Array, stepMs: number) => number | undefined;
  /** Anything else, given the evaluated arguments (strings as StringValue, scalars per step). */
  readonly call?: (args: readonly EvalValue[], ctx: CallContext) => EvalValue;
}

const table = new Map<string, FunctionDef>();

export function registerFunction(name: string, def: FunctionDef): void {
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name))
    throw new Error(`invalid function name ${JSON.stringify(name)}`);
  const kinds = [def.overRange, def.perSample, def.call].filter(Boolean).length;
  if (kinds !== 1) throw new Error(`function ${name}: give exactly one of overRange, perSample, call`);
  if (def.overRange && !def.argTypes.includes('matrix'))
    throw new Error(`function ${name}: overRange needs a range-vector argument`);
  if (def.perSample && def.argTypes[0] !== 'vector')
    throw new Error(`function ${name}: perSample needs an instant vector first argument`);
  table.set(name, def);
}

export function getFunction(name: string): FunctionDef | undefined {
  return table.get(name);
}

export function functionNames(): string[] {
  return [...table.keys()].sort();
}
