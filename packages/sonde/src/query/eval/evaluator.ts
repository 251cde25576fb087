// Evaluates a typed PromQL AST over a range of steps at once (an instant query
// is a range of one step). Each node yields all its steps, columnar; selectors
// read the store once per query, never once per step.
import type { AtModifier, Expr } from '../parser/ast.js';
import { QueryError } from '../types.js';
import { evalAggregate } from './aggregate.js';
import { evalBinary } from './binary.js';
import { evalCall } from './calls.js';
import type { QueryContext } from './context.js';
import { SeriesMerger, anyPresent, dropName } from './labels.js';
import { evalMatrixSelector, evalSubquery, evalVectorSelector } from './selectors.js';
import {
  type EvalValue,
  type MatrixValue,
  type ScalarValue,
  type StepSeries,
  type VectorValue,
  floatsOnly,
} from './values.js';

export class Evaluator {
  readonly steps: number;

  constructor(
    readonly q: QueryContext,
    readonly start: number,
    readonly end: number,
    readonly step: number,
  ) {
    this.steps = Math.floor((end - start) / step) + 1;
  }

  time(i: number): number {
    return this.start + i * this.step;
  }

  eval(e: Expr): EvalValue {
    this.q.check();
    switch (e.kind) {
      case 'number':
        return this.scalar(e.value);
      case 'string':
        return { type: 'string', value: e.value };
      case 'paren':
        return this.eval(e.expr);
      case 'unary': {
        const v = this.eval(e.expr);
        if (e.op === '+') return v;
        if (v.type === 'scalar') {
          const out = new Float64Array(this.steps);
          for (let i = 0; i < out.length; i++) out[i] = -v.v[i];
          return { type: 'scalar', v: out };
        }
        const vec = v as VectorValue;
        const merger = new SeriesMerger(this.steps);
        for (const series of vec.series) {
          const s = floatsOnly(series);
          const out = new Float64Array(this.steps);
          for (let i = 0; i < out.length; i++) out[i] = -s.v[i];
          merger.add(dropName(s.labels), out, s.has);
        }
        return { type: 'vector', series: merger.result() };
      }
      case 'vectorSelector':
        return evalVectorSelector(this, e, false);
      case 'matrixSelector':
        return evalMatrixSelector(this, e);
      case 'subquery':
        return evalSubquery(this, e);
      case 'call':
        return evalCall(this, e);
      case 'aggregate':
        return evalAggregate(this, e);
      case 'binary':
        return evalBinary(this, e);
    }
  }

  scalar(value: number): ScalarValue {
    const v = new Float64Array(this.steps);
    v.fill(value);
    return { type: 'scalar', v };
  }

  evalVector(e: Expr): VectorValue {
    const v = this.eval(e);
    if (v.type !== 'vector') throw new QueryError(`expected instant vector, got ${v.type}`, 'execution');
    return v;
  }

  evalScalar(e: Expr): ScalarValue {
    const v = this.eval(e);
    if (v.type !== 'scalar') throw new QueryError(`expected scalar, got ${v.type}`, 'execution');
    return v;
  }

  atMs(at: AtModifier | null): number | null {
    if (!at) return null;
    if ('ms' in at) return at.ms;
    return at.edge === 'start' ? this.q.queryStart : this.q.queryEnd;
  }

  /** Calls `fn(seriesIndex, step, lo, hi, windowStart, windowEnd)` for each non-empty window. */
  forEachWindow(
    m: MatrixValue,
    fn: (si: number, step: number, lo: number, hi: number, ws: number, we: number) => void,
  ): void {
    const n = this.steps;
    for (let si = 0; si < m.series.length; si++) {
      const t = m.series[si].t;
      const len = t.length;
      let lo = 0;
      let hi = 0;
      for (let i = 0; i < n; i++) {
        const we = (m.atMs ?? this.start + i * this.step) - m.offsetMs;
        const ws = we - m.rangeMs;
        while (lo < len && t[lo] < ws) lo++;
        if (hi < lo) hi = lo;
        while (hi < len && t[hi] <= we) hi++;
        if (hi > lo) fn(si, i, lo, hi, ws, we);
      }
      this.q.check();
    }
  }

  /** Merges series that share a label set (an error where they overlap) and drops empty ones. */
  finishVector(series: StepSeries[]): VectorValue {
    const merger = new SeriesMerger(this.steps);
    for (const s of series) if (anyPresent(s.has)) merger.add(s.labels, s.v, s.has, s.key, s.h);
    return { type: 'vector', series: merger.result() };
  }
}
