// Binary operators: arithmetic, comparison (with and without bool), the set
// operators, and vector matching (on/ignoring, group_left/group_right) with
// Prometheus's label rules and errors. Matching is decided once per series;
// only presence is checked per step.
import type { Labels } from '../../storage/types.js';
import { type Binary, type BinaryOp, COMPARISON_OPS, SET_OPS } from '../parser/ast.js';
import { QueryError } from '../types.js';
import type { Evaluator } from './evaluator.js';
import { SeriesMerger, dropName, keyOf, labelsString, restrictLabels, signatureFn } from './labels.js';
import { type FHist, addHist } from './histogram.js';
import { type EvalValue, type ScalarValue, type StepSeries, type VectorValue, floatsOnly } from './values.js';

/** Go's math.Pow where it differs from JS's. */
function pow(x: number, y: number): number {
  if (y === 0) return 1;
  if (x === 1) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return x ** y;
}

/** The arithmetic result, or for comparisons the kept flag (1/0). */
export function arith(op: BinaryOp, l: number, r: number): number {
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return l / r;
    case '%':
      return l % r;
    case '^':
      return pow(l, r);
    case 'atan2':
      return Math.atan2(l, r);
    case '==':
      return l === r ? 1 : 0;
    case '!=':
      return l !== r ? 1 : 0;
    case '>':
      return l > r ? 1 : 0;
    case '<':
      return l < r ? 1 : 0;
    case '>=':
      return l >= r ? 1 : 0;
    case '<=':
      return l <= r ? 1 : 0;
    default:
      throw new QueryError(`operator "${op}" not allowed here`, 'execution');
  }
}

export function evalBinary(ev: Evaluator, b: Binary): EvalValue {
  if (SET_OPS.has(b.op)) return setOp(ev, b);
  const lv = ev.eval(b.lhs);
  const rv = ev.eval(b.rhs);
  // Arithmetic and comparisons apply to float samples; histogram samples drop
  // out, except that two histograms add up (as in Prometheus 2.42).
  const histAdd = b.op === '+' && lv.type === 'vector' && rv.type === 'vector';
  if (lv.type === 'vector' && !histAdd) lv.series = lv.series.map(floatsOnly);
  if (rv.type === 'vector' && !histAdd) rv.series = rv.series.map(floatsOnly);
  const n = ev.steps;
  const cmp = COMPARISON_OPS.has(b.op);
  if (lv.type === 'scalar' && rv.type === 'scalar') {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = arith(b.op, lv.v[i], rv.v[i]);
    return { type: 'scalar', v: out };
  }
  if (lv.type === 'vector' && rv.type === 'scalar') return vectorScalar(ev, b, lv, rv, false, cmp);
  if (lv.type === 'scalar' && rv.type === 'vector') return vectorScalar(ev, b, rv, lv, true, cmp);
  return vectorVector(ev, b, lv as VectorValue, rv as VectorValue, cmp);
}

function vectorScalar(
  ev: Evaluator,
  b: Binary,
  vec: VectorValue,
  sc: ScalarValue,
  swap: boolean,
  cmp: boolean,
): VectorValue {
  const n = ev.steps;
  // atan2 is the one arithmetic operator that keeps the metric name (as in Prometheus).
  const drop = (!cmp && b.op !== 'atan2') || b.bool;
  const merger = new SeriesMerger(n);
  const op = b.op;
  for (const s of vec.series) {
    const v = new Float64Array(n);
    const has = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (!s.has[i]) continue;
      const x = s.v[i];
      const y = sc.v[i];
      const r = swap ? arith(op, y, x) : arith(op, x, y);
      if (cmp) {
        if (b.bool) {
          v[i] = r;
          has[i] = 1;
        } else if (r === 1) {
          v[i] = x;
          has[i] = 1;
        }
      } else {
        v[i] = r;
        has[i] = 1;
      }
    }
    if (drop) merger.add(dropName(s.labels), v, has);
    else merger.add(s.labels, v, has, s.key);
  }
  return ev.finishVector(merger.result());
}

function vectorVector(
  ev: Evaluator,
  b: Binary,
  lhsVal: VectorValue,
  rhsVal: VectorValue,
  cmp: boolean,
): VectorValue {
  const n = ev.steps;
  const m = b.matching!;
  const sigf = signatureFn(m.on, m.labels);
  const oneToMany = m.card === 'one-to-many';
  // The "many" side is iterated, the "one" side is looked up by signature.
  const many = oneToMany ? rhsVal.series : lhsVal.series;
  const one = oneToMany ? lhsVal.series : rhsVal.series;
  const oneBySig = new Map<string, StepSeries[]>();
  for (const s of one) {
    const sig = sigf(s.labels);
    const g = oneBySig.get(sig);
    if (g) g.push(s);
    else oneBySig.set(sig, [s]);
  }
  // For each signature, which "one" series has a sample at each step (or -1).
  const pick = new Map<string, Int32Array | StepSeries>();
  for (const [sig, g] of oneBySig) {
    if (g.length === 1) {
      pick.set(sig, g[0]);
      continue;
    }
    const idx = new Int32Array(n).fill(-1);
    for (let gi = 0; gi < g.length; gi++) {
      const s = g[gi];
      for (let i = 0; i < n; i++) {
        if (!s.has[i]) continue;
        if (idx[i] >= 0) {
          const other = g[idx[i]];
          const side = oneToMany ? 'left' : 'right';
          throw new QueryError(
            `found duplicate series for the match group ${labelsString(restrictLabels(s.labels, m.labels, m.on))} on the ${side} hand-side of the operation: [${labelsString(s.labels)}, ${labelsString(other.labels)}];many-to-many matching not allowed: matching labels must be unique on one side`,
            'execution',
          );
        }
        idx[i] = gi;
      }
    }
    pick.set(sig, idx);
  }
  const dropMetric = (!cmp && b.op !== 'atan2') || b.bool;
  const oneToOne = m.card === 'one-to-one';
  const merger = new SeriesMerger(
    n,
    oneToOne
      ? 'vector cannot contain metrics with the same labelset'
      : 'multiple matches for labels: grouping labels must ensure unique matches',
  );
  // One-to-one: two "many" series of one signature may not both match at a step.
  const matched = oneToOne ? new Map<string, Uint8Array>() : null;
  const resultLabels = (ls: Labels, rs: Labels): Labels => {
    let out: Record<string, string> = { ...ls };
    if (dropMetric) delete out.__name__;
    if (oneToOne) out = m.on ? restrictLabels(out, m.labels, true) : restrictLabels(out, m.labels, false);
    if (oneToOne && !m.on && !dropMetric && ls.__name__ !== undefined) out.__name__ = ls.__name__;
    for (const l of m.include) {
      const v = rs[l];
      if (v !== undefined && v !== '') out[l] = v;
      else delete out[l];
    }
    return out;
  };
  const op = b.op;
  for (const ls of many) {
    const sig = sigf(ls.labels);
    const p = pick.get(sig);
    if (!p) continue;
    let seen: Uint8Array | undefined;
    if (matched) {
      seen = matched.get(sig);
      if (!seen) matched.set(sig, (seen = new Uint8Array(n)));
    }
    const group = oneBySig.get(sig)!;
    // Output per distinct "one" partner (labels may differ with group_x includes).
    const outs = new Map<StepSeries, { v: Float64Array; has: Uint8Array; h?: (FHist | undefined)[] }>();
    for (let i = 0; i < n; i++) {
      if (!ls.has[i]) continue;
      let rs: StepSeries;
      if (p instanceof Int32Array) {
        const k = p[i];
        if (k < 0) continue;
        rs = group[k];
      } else {
        rs = p;
        if (!rs.has[i]) continue;
      }
      const hl = ls.h?.[i];
      const hr = rs.h?.[i];
      if (hl || hr) {
        // Only histogram + histogram has an answer.
        if (!hl || !hr || op !== '+') continue;
        if (seen) {
          if (seen[i])
            throw new QueryError(
              'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
              'execution',
            );
          seen[i] = 1;
        }
        let o = outs.get(rs);
        if (!o) outs.set(rs, (o = { v: new Float64Array(n), has: new Uint8Array(n) }));
        o.h ??= new Array(n);
        o.h[i] = addHist(hl, hr);
        o.v[i] = Number.NaN;
        o.has[i] = 1;
        continue;
      }
      let vl = ls.v[i];
      let vr = rs.v[i];
      if (oneToMany) {
        const tmp = vl;
        vl = vr;
        vr = tmp;
      }
      let value = arith(op, vl, vr);
      if (cmp) {
        if (b.bool) {
          // value is already 1/0
        } else if (value === 1) value = vl;
        else continue;
      }
      if (seen) {
        if (seen[i])
          throw new QueryError(
            'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
            'execution',
          );
        seen[i] = 1;
      }
      let o = outs.get(rs);
      if (!o) {
        o = { v: new Float64Array(n), has: new Uint8Array(n) };
        outs.set(rs, o);
      }
      o.v[i] = value;
      o.has[i] = 1;
    }
    for (const [rs, o] of outs) merger.add(resultLabels(ls.labels, rs.labels), o.v, o.has, undefined, o.h);
  }
  return ev.finishVector(merger.result());
}

function setOp(ev: Evaluator, b: Binary): VectorValue {
  const lhs = ev.evalVector(b.lhs);
  const rhs = ev.evalVector(b.rhs);
  const n = ev.steps;
  const m = b.matching!;
  const sigf = signatureFn(m.on, m.labels);
  // Per signature, the steps at which the other side has any sample.
  const presence = (series: StepSeries[]): Map<string, Uint8Array> => {
    const map = new Map<string, Uint8Array>();
    for (const s of series) {
      const sig = sigf(s.labels);
      let p = map.get(sig);
      if (!p) map.set(sig, (p = new Uint8Array(n)));
      for (let i = 0; i < n; i++) p[i] |= s.has[i];
    }
    return map;
  };
  const out: StepSeries[] = [];
  const filter = (s: StepSeries, p: Uint8Array | undefined, keepWhere: boolean): void => {
    const has = new Uint8Array(n);
    let any = false;
    for (let i = 0; i < n; i++) {
      if (s.has[i] && (p ? p[i] === 1 : false) === keepWhere) {
        has[i] = 1;
        any = true;
      }
    }
    if (any) out.push({ labels: s.labels, v: s.v, has, key: s.key, h: s.h });
  };
  switch (b.op) {
    case 'and': {
      const rp = presence(rhs.series);
      for (const s of lhs.series) filter(s, rp.get(sigf(s.labels)), true);
      break;
    }
    case 'unless': {
      const rp = presence(rhs.series);
      for (const s of lhs.series) filter(s, rp.get(sigf(s.labels)), false);
      break;
    }
    case 'or': {
      const lp = presence(lhs.series);
      for (const s of lhs.series) out.push(s);
      for (const s of rhs.series) filter(s, lp.get(sigf(s.labels)), false);
      break;
    }
  }
  for (const s of out) keyOf(s);
  return ev.finishVector(out);
}
