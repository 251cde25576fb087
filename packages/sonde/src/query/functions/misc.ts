// Vector-shape functions: sort, sort_desc, absent, absent_over_time, scalar,
// vector.
import type { Labels } from '../../storage/types.js';
import type { Expr } from '../parser/ast.js';
import { unwrapParens } from '../parser/ast.js';
import type { MatrixValue, ScalarValue, StepSeries, VectorValue } from '../eval/values.js';
import { registerFunction } from './registry.js';

/** The labels absent() reports: the equality matchers of a selector argument. */
function absentLabels(arg: Expr): Labels {
  const e = unwrapParens(arg);
  const sel = e.kind === 'vectorSelector' ? e : e.kind === 'matrixSelector' ? e.selector : null;
  if (!sel) return {};
  const out: Record<string, string> = {};
  const empty: string[] = [];
  for (const m of sel.matchers) {
    if (m.name === '__name__') continue;
    if (m.type === '=' && !(m.name in out)) out[m.name] = m.value;
    else empty.push(m.name);
  }
  for (const n of empty) delete out[n];
  for (const k of Object.keys(out)) if (out[k] === '') delete out[k];
  return out;
}

function sortBy(desc: boolean) {
  return (args: readonly unknown[]): VectorValue => {
    const vec = args[0] as VectorValue;
    const series = [...vec.series];
    if (series.length > 0 && series[0].v.length === 1) {
      series.sort((a, b) => {
        const x = a.v[0];
        const y = b.v[0];
        if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
        if (Number.isNaN(y)) return -1;
        return desc ? y - x : x - y;
      });
    }
    return { type: 'vector', series };
  };
}

export function registerMiscFunctions(): void {
  registerFunction('sort', {
    argTypes: ['vector'],
    returnType: 'vector',
    keepName: true,
    call: sortBy(false),
  });
  registerFunction('sort_desc', {
    argTypes: ['vector'],
    returnType: 'vector',
    keepName: true,
    call: sortBy(true),
  });
  registerFunction('absent', {
    argTypes: ['vector'],
    returnType: 'vector',
    call: (args, ctx): VectorValue => {
      const vec = args[0] as VectorValue;
      const n = ctx.steps;
      const has = new Uint8Array(n).fill(1);
      for (const s of vec.series) for (let i = 0; i < n; i++) if (s.has[i]) has[i] = 0;
      return {
        type: 'vector',
        series: [{ labels: absentLabels(ctx.argExprs[0]), v: new Float64Array(n).fill(1), has }],
      };
    },
  });
  registerFunction('absent_over_time', {
    argTypes: ['matrix'],
    returnType: 'vector',
    call: (args, ctx): VectorValue => {
      const m = args[0] as MatrixValue;
      const n = ctx.steps;
      const has = new Uint8Array(n).fill(1);
      ctx.forEachWindow(m, (_s, i) => {
        has[i] = 0;
      });
      return {
        type: 'vector',
        series: [{ labels: absentLabels(ctx.argExprs[0]), v: new Float64Array(n).fill(1), has }],
      };
    },
  });
  registerFunction('scalar', {
    argTypes: ['vector'],
    returnType: 'scalar',
    call: (args, ctx): ScalarValue => {
      const vec = args[0] as VectorValue;
      const n = ctx.steps;
      const v = new Float64Array(n).fill(Number.NaN);
      const count = new Uint32Array(n);
      for (const s of vec.series) {
        for (let i = 0; i < n; i++) {
          if (!s.has[i]) continue;
          count[i]++;
          v[i] = count[i] === 1 ? s.v[i] : Number.NaN;
        }
      }
      return { type: 'scalar', v };
    },
  });
  registerFunction('vector', {
    argTypes: ['scalar'],
    returnType: 'vector',
    call: (args, ctx): VectorValue => {
      const sc = args[0] as ScalarValue;
      const s: StepSeries = {
        labels: {},
        v: Float64Array.from(sc.v),
        has: new Uint8Array(ctx.steps).fill(1),
      };
      return { type: 'vector', series: [s] };
    },
  });
}
