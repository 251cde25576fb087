// Evaluates a typed PromQL AST over a range of steps at once (an instant query
// is a range of one step). Each node yields all its steps, columnar; selectors
// read the store once per query, never once per step.
import { STALE_NAN_BITS_HI } from '../../storage/labels.js';
import type { Matcher } from '../../storage/types.js';
import {
  type CallContext,
  type FunctionDef,
  type HistogramWindow,
  type RangeWindow,
  getFunction,
} from '../functions/registry.js';
import type { AtModifier, Call, Expr, MatrixSelector, Subquery, VectorSelector } from '../parser/ast.js';
import { unwrapParens } from '../parser/ast.js';
import { re2ForStore } from '../parser/regex.js';
import { QueryError } from '../types.js';
import { evalAggregate } from './aggregate.js';
import { evalBinary } from './binary.js';
import type { QueryContext } from './context.js';
import { SeriesMerger, anyPresent, dropName, keyOf } from './labels.js';
import { type FHist, fromSample, toSample } from './histogram.js';
import {
  type EvalValue,
  type MatrixValue,
  type RawSeries,
  type ScalarValue,
  type StepSeries,
  type VectorValue,
  floatsOnly,
} from './values.js';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** isStaleNaN for values read from a typed array (assumes v is NaN). */
function staleBits(v: number): boolean {
  f64[0] = v;
  return (u32[HI] & ~0x00080000) === STALE_NAN_BITS_HI && u32[1 - HI] === 2;
}

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
        return this.vectorSelector(e, false);
      case 'matrixSelector':
        return this.matrixSelector(e);
      case 'subquery':
        return this.subquery(e);
      case 'call':
        return this.call(e);
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

  /** Series matching the matchers with samples in [mint, maxt], in label order; counts the samples. */
  select(matchers: readonly Matcher[], mint: number, maxt: number): RawSeries[] {
    const storeMatchers = matchers.map((m) =>
      m.type === '=~' || m.type === '!~' ? { ...m, value: re2ForStore(m.value) } : m,
    );
    const out: RawSeries[] = [];
    let total = 0;
    // No step hint: PromQL needs raw samples; a coarser tier would change rate() and friends.
    for (const s of this.q.querier.select(storeMatchers, mint, maxt)) {
      const hn = s.ht?.length ?? 0;
      if (s.t.length === 0 && hn === 0) continue;
      out.push(
        hn > 0
          ? { labels: s.labels, t: s.t, v: s.v, ht: s.ht, h: s.h }
          : { labels: s.labels, t: s.t, v: s.v },
      );
      total += s.t.length + hn;
      this.q.check();
    }
    this.q.account(total);
    for (const s of out) keyOf(s);
    out.sort((a, b) => (a.key! < b.key! ? -1 : a.key! > b.key! ? 1 : 0));
    return out;
  }

  /**
   * An instant-vector selector at every step: the latest sample within the
   * lookback window, unless it is a stale marker. With `timestamps`, each
   * sample's value is its own timestamp in seconds (for timestamp()).
   */
  vectorSelector(vs: VectorSelector, timestamps: boolean): VectorValue {
    const at = this.atMs(vs.at);
    const lookback = this.q.limits.lookbackDeltaMs;
    const refFirst = (at ?? this.start) - vs.offsetMs;
    const refLast = (at ?? this.time(this.steps - 1)) - vs.offsetMs;
    const raw = this.select(vs.matchers, refFirst - lookback, refLast);
    const out: StepSeries[] = [];
    const n = this.steps;
    for (const s of raw) {
      const v = new Float64Array(n);
      const has = new Uint8Array(n);
      const t = s.t;
      const sv = s.v;
      const len = t.length;
      let j = 0;
      let count = 0;
      if (at !== null) {
        const ref = at - vs.offsetMs;
        while (j < len && t[j] <= ref) j++;
        const k = j - 1;
        if (k >= 0 && t[k] >= ref - lookback) {
          const x = sv[k];
          if (!Number.isNaN(x) || !staleBits(x)) {
            v.fill(timestamps ? t[k] / 1000 : x);
            has.fill(1);
            count = n;
          }
        }
      } else {
        for (let i = 0; i < n; i++) {
          const ref = this.start + i * this.step - vs.offsetMs;
          while (j < len && t[j] <= ref) j++;
          const k = j - 1;
          if (k < 0 || t[k] < ref - lookback) continue;
          const x = sv[k];
          if (Number.isNaN(x) && staleBits(x)) continue;
          v[i] = timestamps ? t[k] / 1000 : x;
          has[i] = 1;
          count++;
        }
      }
      const h =
        s.ht && s.ht.length > 0 && !timestamps ? this.histogramSteps(s, at, vs.offsetMs, v, has) : undefined;
      if (h) count++;
      if (count > 0)
        out.push(h ? { labels: s.labels, v, has, key: s.key, h } : { labels: s.labels, v, has, key: s.key });
    }
    this.q.account(out.length * n);
    return { type: 'vector', series: out };
  }

  /**
   * Overlays a series' native-histogram samples on its float steps: at each
   * step the newer of the two latest samples wins. Returns the histogram per
   * step, or undefined when no step took one.
   */
  private histogramSteps(
    s: RawSeries,
    at: number | null,
    offsetMs: number,
    v: Float64Array,
    has: Uint8Array,
  ): (FHist | undefined)[] | undefined {
    const lookback = this.q.limits.lookbackDeltaMs;
    const ht = s.ht!;
    const hs = s.h!;
    let out: (FHist | undefined)[] | undefined;
    const cache = new Map<number, FHist>();
    let j = 0;
    let k = 0;
    for (let i = 0; i < this.steps; i++) {
      const ref = (at ?? this.start + i * this.step) - offsetMs;
      while (j < ht.length && ht[j] <= ref) j++;
      while (k < s.t.length && s.t[k] <= ref) k++;
      const hj = j - 1;
      if (hj < 0 || ht[hj] < ref - lookback) continue;
      if (k > 0 && s.t[k - 1] > ht[hj]) continue;
      if (staleBits(hs[hj].sum) && Number.isNaN(hs[hj].sum)) {
        has[i] = 0;
        continue;
      }
      let fh = cache.get(hj);
      if (!fh) cache.set(hj, (fh = fromSample(hs[hj])));
      out ??= new Array(this.steps);
      out[i] = fh;
      v[i] = Number.NaN;
      has[i] = 1;
    }
    return out;
  }

  matrixSelector(ms: MatrixSelector): MatrixValue {
    const vs = ms.selector;
    const at = this.atMs(vs.at);
    const endFirst = (at ?? this.start) - vs.offsetMs;
    const endLast = (at ?? this.time(this.steps - 1)) - vs.offsetMs;
    const raw = this.select(vs.matchers, endFirst - ms.rangeMs, endLast);
    const series: RawSeries[] = [];
    for (const s of raw) {
      const clean = stripStale(s);
      if (clean.t.length > 0 || (clean.ht?.length ?? 0) > 0) series.push(clean);
    }
    return { type: 'matrix', series, rangeMs: ms.rangeMs, offsetMs: vs.offsetMs, atMs: at };
  }

  subquery(sq: Subquery): MatrixValue {
    const at = this.atMs(sq.at);
    const outerStart = at ?? this.start;
    const outerEnd = at ?? this.time(this.steps - 1);
    const step = sq.stepMs || this.q.limits.subqueryStepMs;
    const from = outerStart - sq.offsetMs - sq.rangeMs;
    const innerStart = Math.ceil(from / step) * step;
    const innerEnd = outerEnd - sq.offsetMs;
    const series: RawSeries[] = [];
    if (innerStart <= innerEnd) {
      const inner = new Evaluator(this.q, innerStart, innerEnd, step);
      const val = inner.evalVector(sq.expr);
      for (const s of val.series) {
        let count = 0;
        for (let i = 0; i < inner.steps; i++) count += s.has[i];
        if (count === 0) continue;
        const t = new Float64Array(count);
        const v = new Float64Array(count);
        let k = 0;
        for (let i = 0; i < inner.steps; i++) {
          if (!s.has[i]) continue;
          t[k] = inner.time(i);
          v[k++] = s.v[i];
        }
        if (s.h) {
          const ht: number[] = [];
          const hs: ReturnType<typeof toSample>[] = [];
          const ft: number[] = [];
          const fv: number[] = [];
          for (let x = 0; x < t.length; x++) {
            const hist = s.h[Math.round((t[x] - inner.start) / step)];
            if (hist) {
              ht.push(t[x]);
              hs.push(toSample(hist));
            } else {
              ft.push(t[x]);
              fv.push(v[x]);
            }
          }
          series.push({
            labels: s.labels,
            t: Float64Array.from(ft),
            v: Float64Array.from(fv),
            key: s.key,
            ht: Float64Array.from(ht),
            h: hs,
          });
        } else series.push({ labels: s.labels, t, v, key: s.key });
      }
    }
    return { type: 'matrix', series, rangeMs: sq.rangeMs, offsetMs: sq.offsetMs, atMs: at };
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

  call(c: Call): EvalValue {
    const def = getFunction(c.name);
    if (!def) throw new QueryError(`unknown function with name "${c.name}"`, 'bad_data');
    if (def.overRange) return this.rangeFunction(c, def);
    if (def.perSample) return this.perSampleFunction(c, def);
    if (c.name === 'timestamp') {
      const arg = unwrapParens(c.args[0]);
      if (arg.kind === 'vectorSelector') {
        const val = this.vectorSelector(arg, true);
        return this.finishVector(val.series.map((s) => ({ labels: dropName(s.labels), v: s.v, has: s.has })));
      }
    }
    const args = c.args.map((a) => this.eval(a));
    const ctx: CallContext = {
      steps: this.steps,
      stepTime: (i) => this.time(i),
      argExprs: c.args,
      forEachWindow: (m, fn) => this.forEachWindow(m, fn),
      fail: (message) => {
        throw new QueryError(message, 'execution');
      },
    };
    const out = def.call!(args, ctx);
    if (out.type === 'vector') return this.finishVector(out.series);
    return out;
  }

  /** Merges series that share a label set (an error where they overlap) and drops empty ones. */
  finishVector(series: StepSeries[]): VectorValue {
    const merger = new SeriesMerger(this.steps);
    for (const s of series) if (anyPresent(s.has)) merger.add(s.labels, s.v, s.has, s.key, s.h);
    return { type: 'vector', series: merger.result() };
  }

  private otherArgs(c: Call, skip: number): (Float64Array | null)[] {
    return c.args.map((a, i) => {
      if (i === skip) return null;
      const v = this.eval(a);
      return v.type === 'scalar' ? v.v : null;
    });
  }

  private rangeFunction(c: Call, def: FunctionDef): VectorValue {
    const mi = def.argTypes.indexOf('matrix');
    const m = this.eval(c.args[mi]) as MatrixValue;
    const scalars = this.otherArgs(c, mi);
    const n = this.steps;
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
    const invariant =
      m.atMs !== null && c.args.every((a, i) => i === mi || unwrapParens(a).kind === 'number');
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
        const stepT = this.start + i * this.step;
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
      this.q.check();
    }
    this.q.account(outs.length * n);
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

  private perSampleFunction(c: Call, def: FunctionDef): VectorValue {
    const vec = this.evalVector(c.args[0]);
    vec.series = vec.series.map(floatsOnly);
    const scalars = this.otherArgs(c, 0);
    const args = new Float64Array(c.args.length).fill(Number.NaN);
    const n = this.steps;
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
        const r = f(s.v[i], args, this.start + i * this.step);
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
    return this.finishVector(out);
  }
}

/** Drops stale markers from a raw series (copies only when there are any). */
export function stripStale(s: RawSeries): RawSeries {
  const v = s.v;
  let stale = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (Number.isNaN(x) && staleBits(x)) stale++;
  }
  if (s.h?.some((h) => Number.isNaN(h.sum) && staleBits(h.sum))) {
    const keep = s.h.map((h) => !(Number.isNaN(h.sum) && staleBits(h.sum)));
    s = { ...s, ht: s.ht!.filter((_, i) => keep[i]), h: s.h.filter((_, i) => keep[i]) };
  }
  if (stale === 0) return s;
  const n = v.length - stale;
  const t2 = new Float64Array(n);
  const v2 = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (Number.isNaN(x) && staleBits(x)) continue;
    t2[k] = s.t[i];
    v2[k++] = x;
  }
  return { ...s, t: t2, v: v2 };
}
