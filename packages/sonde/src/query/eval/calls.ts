// Function calls: range-vector functions over moving windows (floats and
// native histograms), element-wise functions, and the rest through `call`.
import {
  type CallContext,
  type FunctionDef,
  type HistogramWindow,
  type RangeWindow,
  getFunction,
} from '../functions/registry.js';
import { type Call, unwrapParens } from '../parser/ast.js';
import { QueryError } from '../types.js';
import type { Evaluator } from './evaluator.js';
import { type FHist, fromSample } from './histogram.js';
import { SeriesMerger, anyPresent, dropName, keyOf } from './labels.js';
import { evalVectorSelector } from './selectors.js';
import { type EvalValue, type MatrixValue, type StepSeries, type VectorValue, floatsOnly } from './values.js';

export function evalCall(ev: Evaluator, c: Call): EvalValue {
  const def = getFunction(c.name);
  if (!def) throw new QueryError(`unknown function with name "${c.name}"`, 'bad_data');
  if (def.overRange) return rangeFunction(ev, c, def);
  if (def.perSample) return perSampleFunction(ev, c, def);
  if (c.name === 'timestamp') {
    const arg = unwrapParens(c.args[0]);
    if (arg.kind === 'vectorSelector') {
      const val = evalVectorSelector(ev, arg, true);
      return ev.finishVector(val.series.map((s) => ({ labels: dropName(s.labels), v: s.v, has: s.has })));
    }
  }
  const args = c.args.map((a) => ev.eval(a));
  const ctx: CallContext = {
    steps: ev.steps,
    stepTime: (i) => ev.time(i),
    argExprs: c.args,
    forEachWindow: (m, fn) => ev.forEachWindow(m, fn),
    fail: (message) => {
      throw new QueryError(message, 'execution');
    },
  };
  const out = def.call!(args, ctx);
  if (out.type === 'vector') return ev.finishVector(out.series);
  return out;
}

function otherArgs(ev: Evaluator, c: Call, skip: number): (Float64Array | null)[] {
  return c.args.map((a, i) => {
    if (i === skip) return null;
    const v = ev.eval(a);
    return v.type === 'scalar' ? v.v : null;
  });
}

function rangeFunction(ev: Evaluator, c: Call, def: FunctionDef): VectorValue {
  const mi = def.argTypes.indexOf('matrix');
  const m = ev.eval(c.args[mi]) as MatrixValue;
  const scalars = otherArgs(ev, c, mi);
  const n = ev.steps;
  const win: RangeWindow = {
    t: new Float64Array(0),
    v: new Float64Array(0),
    lo: 0,
    hi: 0,
    stepMs: 0,
    startMs: 0,
    endMs: 0,
    rangeMs: m.rangeMs,
    args: new Float64Array(c.args.length).fill(Number.NaN),
  };
  const hwin: HistogramWindow = {
    t: new Float64Array(0),
    h: [],
    lo: 0,
    hi: 0,
    stepMs: 0,
    startMs: 0,
    endMs: 0,
    rangeMs: m.rangeMs,
  };
  // With @ and constant arguments, every step has the same window and answer.
  const invariant = m.atMs !== null && c.args.every((a, i) => i === mi || unwrapParens(a).kind === 'number');
  const evalSteps = invariant ? 1 : n;
  const outs: StepSeries[] = [];
  for (const s of m.series) {
    const t = s.t;
    const len = t.length;
    win.t = t;
    win.v = s.v;
    const ht = s.ht;
    const hlen = ht?.length ?? 0;
    let hists: FHist[] | null = null;
    const v = new Float64Array(n);
    const has = new Uint8Array(n);
    let hout: (FHist | undefined)[] | undefined;
    let lo = 0;
    let hi = 0;
    let hlo = 0;
    let hhi = 0;
    for (let i = 0; i < evalSteps; i++) {
      const stepT = ev.start + i * ev.step;
      const we = (m.atMs ?? stepT) - m.offsetMs;
      const ws = we - m.rangeMs;
      while (lo < len && t[lo] < ws) lo++;
      if (hi < lo) hi = lo;
      while (hi < len && t[hi] <= we) hi++;
      if (hlen > 0) {
        while (hlo < hlen && ht![hlo] < ws) hlo++;
        if (hhi < hlo) hhi = hlo;
        while (hhi < hlen && ht![hhi] <= we) hhi++;
        if (hhi > hlo) {
          // A window of histograms (a mix with floats has no answer, as in Prometheus).
          if (hi > lo || !def.overRangeHistogram) continue;
          hists ??= s.h!.map(fromSample);
          hwin.t = ht!;
          hwin.h = hists;
          hwin.lo = hlo;
          hwin.hi = hhi;
          hwin.stepMs = stepT;
          hwin.startMs = ws;
          hwin.endMs = we;
          const r = def.overRangeHistogram(hwin);
          if (r) {
            hout ??= new Array(n);
            hout[i] = r;
            v[i] = Number.NaN;
            has[i] = 1;
          }
          continue;
        }
      }
      if (hi === lo) continue;
      win.lo = lo;
      win.hi = hi;
      win.stepMs = stepT;
      win.startMs = ws;
      win.endMs = we;
      for (let a = 0; a < scalars.length; a++) {
        const sc = scalars[a];
        if (sc) win.args[a] = sc[i];
      }
      const r = def.overRange!(win);
      if (r !== undefined) {
        v[i] = r;
        has[i] = 1;
      }
    }
    if (invariant) {
      v.fill(v[0]);
      has.fill(has[0]);
      if (hout) hout.fill(hout[0]);
    }
    if (anyPresent(has)) {
      const labels = def.keepName ? s.labels : dropName(s.labels);
      outs.push(hout ? { labels, v, has, h: hout } : { labels, v, has });
    }
    ev.q.check();
  }
  ev.q.account(outs.length * n);
  // Prometheus rejects a range-function result with repeated label sets outright.
  const seen = new Set<string>();
  const merger = new SeriesMerger(n);
  for (const o of outs) {
    const k = keyOf(o);
    if (seen.has(k))
      throw new QueryError('vector cannot contain metrics with the same labelset', 'execution');
    seen.add(k);
    merger.add(o.labels, o.v, o.has, k, o.h);
  }
  return { type: 'vector', series: merger.result() };
}

function perSampleFunction(ev: Evaluator, c: Call, def: FunctionDef): VectorValue {
  const vec = ev.evalVector(c.args[0]);
  vec.series = vec.series.map(floatsOnly);
  const scalars = otherArgs(ev, c, 0);
  const args = new Float64Array(c.args.length).fill(Number.NaN);
  const n = ev.steps;
  const f = def.perSample!;
  const out: StepSeries[] = [];
  for (const s of vec.series) {
    const v = new Float64Array(n);
    const has = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (!s.has[i]) continue;
      for (let a = 1; a < scalars.length; a++) {
        const sc = scalars[a];
        if (sc) args[a] = sc[i];
      }
      const r = f(s.v[i], args, ev.start + i * ev.step);
      if (r !== undefined) {
        v[i] = r;
        has[i] = 1;
      }
    }
    out.push({
      labels: def.keepName ? s.labels : dropName(s.labels),
      v,
      has,
      key: def.keepName ? s.key : undefined,
    });
  }
  return ev.finishVector(out);
}
