// Aggregation operators over all steps at once: series are grouped once by
// their grouping labels, then each step's values are folded in input order
// (the order Prometheus folds in, so sums round the same way).
import type { Labels } from '../../storage/types.js';
import type { Aggregate } from '../parser/ast.js';
import { QueryError } from '../types.js';
import type { Evaluator } from './evaluator.js';
import { SeriesMerger, keyOf } from './labels.js';
import { type FHist, addHist, scaleHist } from './histogram.js';
import { type StepSeries, type VectorValue, floatsOnly } from './values.js';

interface Group {
  labels: Labels;
  key: string;
  members: StepSeries[];
}

function groupLabels(labels: Labels, grouping: readonly string[], without: boolean): Labels {
  const out: Record<string, string> = {};
  if (without) {
    for (const k in labels) if (k !== '__name__' && !grouping.includes(k)) out[k] = labels[k];
  } else {
    for (const g of grouping) {
      const v = labels[g];
      if (v !== undefined && v !== '') out[g] = v;
    }
  }
  return out;
}

function groupKey(labels: Labels, sortedGrouping: readonly string[], without: boolean): string {
  let k = '';
  if (without) {
    const keys = Object.keys(labels).sort();
    for (const n of keys) {
      if (n === '__name__' || sortedGrouping.includes(n)) continue;
      k += `${n}\u0000${labels[n]}\u0001`;
    }
  } else {
    for (const n of sortedGrouping) {
      const v = labels[n];
      if (v !== undefined && v !== '') k += `${n}\u0000${v}\u0001`;
    }
  }
  return k;
}

/** Prometheus's quantile over values (NaN sorts first), weighted between neighbours. */
export function quantileOf(q: number, values: number[] | Float64Array): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = Array.from(values).sort((a, b) => {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
    if (Number.isNaN(b)) return 1;
    return a - b;
  });
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return sorted[lower] * (1 - weight) + sorted[upper] * weight;
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64). */
export function formatFloatF(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v);
  if (!/e/i.test(s)) return s;
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, d0, frac = '', expStr] = m;
  const exp = Number(expStr);
  const digits = d0 + frac;
  if (exp >= 0) {
    const intLen = 1 + exp;
    if (digits.length <= intLen) return sign + digits + '0'.repeat(intLen - digits.length);
    return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
  }
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}

export function evalAggregate(ev: Evaluator, a: Aggregate): VectorValue {
  const n = ev.steps;
  const input = ev.evalVector(a.expr);
  // Histogram samples take part in sum, avg, count and group; the others fold floats only.
  const histAware = a.op === 'sum' || a.op === 'avg' || a.op === 'count' || a.op === 'group';
  if (!histAware) input.series = input.series.map(floatsOnly);
  const grouping = [...a.grouping].sort();
  if (a.op === 'count_values') return countValues(ev, a, input, grouping);
  const param =
    a.param && (a.op === 'topk' || a.op === 'bottomk' || a.op === 'quantile') ? ev.evalScalar(a.param) : null;
  const groups = new Map<string, Group>();
  const order: Group[] = [];
  for (const s of input.series) {
    const k = groupKey(s.labels, grouping, a.without);
    let g = groups.get(k);
    if (!g) {
      g = { labels: groupLabels(s.labels, grouping, a.without), key: '', members: [] };
      groups.set(k, g);
      order.push(g);
    }
    g.members.push(s);
  }
  if (a.op === 'topk' || a.op === 'bottomk') return topk(ev, order, param!.v, a.op === 'topk');
  const out: StepSeries[] = [];
  for (const g of order) {
    const v = new Float64Array(n);
    const has = new Uint8Array(n);
    let kinds: Uint8Array | undefined;
    let hOut: (FHist | undefined)[] | undefined;
    if ((a.op === 'sum' || a.op === 'avg') && g.members.some((s) => s.h)) {
      kinds = new Uint8Array(n);
      hOut = new Array(n);
      const hcount = new Float64Array(n);
      for (const s of g.members) {
        for (let i = 0; i < n; i++) {
          if (!s.has[i]) continue;
          const hh = s.h?.[i];
          if (!hh) {
            kinds[i] |= 1;
            continue;
          }
          kinds[i] |= 2;
          hOut[i] = hOut[i] ? addHist(hOut[i]!, hh) : hh;
          hcount[i]++;
        }
      }
      if (a.op === 'avg')
        for (let i = 0; i < n; i++) if (hOut[i]) hOut[i] = scaleHist(hOut[i]!, 1 / hcount[i]);
      g.members = g.members.map(floatsOnly);
    }
    switch (a.op) {
      case 'sum':
        for (const s of g.members) {
          for (let i = 0; i < n; i++) {
            if (!s.has[i]) continue;
            if (has[i]) v[i] += s.v[i];
            else {
              v[i] = s.v[i];
              has[i] = 1;
            }
          }
        }
        break;
      case 'min':
      case 'max': {
        const max = a.op === 'max';
        for (const s of g.members) {
          for (let i = 0; i < n; i++) {
            if (!s.has[i]) continue;
            const x = s.v[i];
            if (!has[i]) {
              v[i] = x;
              has[i] = 1;
            } else {
              const cur = v[i];
              if ((max ? cur < x : cur > x) || Number.isNaN(cur)) v[i] = x;
            }
          }
        }
        break;
      }
      case 'count':
      case 'group':
        for (const s of g.members) {
          for (let i = 0; i < n; i++) {
            if (!s.has[i]) continue;
            if (a.op === 'group') v[i] = 1;
            else v[i] += 1;
            has[i] = 1;
          }
        }
        break;
      case 'avg': {
        const cnt = new Float64Array(n);
        for (const s of g.members) {
          for (let i = 0; i < n; i++) {
            if (!s.has[i]) continue;
            const x = s.v[i];
            if (!has[i]) {
              v[i] = x;
              cnt[i] = 1;
              has[i] = 1;
              continue;
            }
            const c = ++cnt[i];
            const mean = v[i];
            if (mean === Infinity || mean === -Infinity) {
              if ((x === Infinity || x === -Infinity) && mean > 0 === x > 0) continue;
              if (x !== Infinity && x !== -Infinity && !Number.isNaN(x)) continue;
            }
            v[i] = mean + x / c - mean / c;
          }
        }
        break;
      }
      case 'stddev':
      case 'stdvar': {
        const cnt = new Float64Array(n);
        const mean = new Float64Array(n);
        for (const s of g.members) {
          for (let i = 0; i < n; i++) {
            if (!s.has[i]) continue;
            const x = s.v[i];
            if (!has[i]) {
              has[i] = 1;
              cnt[i] = 1;
              mean[i] = x;
              v[i] = 0;
              continue;
            }
            const c = ++cnt[i];
            const delta = x - mean[i];
            mean[i] += delta / c;
            v[i] += delta * (x - mean[i]);
          }
        }
        for (let i = 0; i < n; i++) {
          if (!has[i]) continue;
          v[i] = v[i] / cnt[i];
          if (a.op === 'stddev') v[i] = Math.sqrt(v[i]);
        }
        break;
      }
      case 'quantile': {
        const vals: number[] = [];
        for (let i = 0; i < n; i++) {
          vals.length = 0;
          for (const s of g.members) if (s.has[i]) vals.push(s.v[i]);
          if (vals.length === 0) continue;
          v[i] = quantileOf(param!.v[i], vals);
          has[i] = 1;
        }
        break;
      }
      default:
        throw new QueryError(`unknown aggregation ${a.op}`, 'bad_data');
    }
    if (kinds && hOut) {
      // A histogram result where the group had only histograms; floats mixed with histograms have none.
      for (let i = 0; i < n; i++) {
        if (kinds[i] === 2) {
          has[i] = 1;
          v[i] = Number.NaN;
        } else {
          if (kinds[i] === 3) has[i] = 0;
          hOut[i] = undefined;
        }
      }
      out.push({ labels: g.labels, v, has, h: hOut });
    } else out.push({ labels: g.labels, v, has });
    ev.q.check();
  }
  return { type: 'vector', series: out.filter((s) => s.has.some((x) => x === 1)) };
}

/** topk/bottomk with Go's container/heap, so ties resolve as in Prometheus. */
function topk(ev: Evaluator, groups: Group[], kv: Float64Array, top: boolean): VectorValue {
  const n = ev.steps;
  const outHas = new Map<StepSeries, Uint8Array>();
  const heapV: number[] = [];
  const heapS: StepSeries[] = [];
  // less(i, j): NaN first, then ascending (topk) or descending (bottomk).
  const less = (i: number, j: number): boolean => {
    const x = heapV[i];
    if (Number.isNaN(x)) return true;
    return top ? x < heapV[j] : x > heapV[j];
  };
  const swap = (i: number, j: number) => {
    const tv = heapV[i];
    heapV[i] = heapV[j];
    heapV[j] = tv;
    const ts = heapS[i];
    heapS[i] = heapS[j];
    heapS[j] = ts;
  };
  const up = (j: number) => {
    for (;;) {
      const i = Math.floor((j - 1) / 2);
      if (i === j || j <= 0 || !less(j, i)) break;
      swap(i, j);
      j = i;
    }
  };
  const down = (i0: number, len: number) => {
    let i = i0;
    for (;;) {
      const j1 = 2 * i + 1;
      if (j1 >= len || j1 < 0) break;
      let j = j1;
      const j2 = j1 + 1;
      if (j2 < len && less(j2, j1)) j = j2;
      if (!less(j, i)) break;
      swap(i, j);
      i = j;
    }
  };
  for (let i = 0; i < n; i++) {
    const kf = kv[i];
    if (!(Math.abs(kf) < 9.2e18)) {
      if (Number.isNaN(kf) || Math.abs(kf) >= 9.2e18)
        throw new QueryError(`Scalar value ${kf} overflows int64`, 'execution');
    }
    const k = Math.trunc(kf);
    if (k < 1) continue;
    for (const g of groups) {
      heapV.length = 0;
      heapS.length = 0;
      for (const s of g.members) {
        if (!s.has[i]) continue;
        const x = s.v[i];
        const h0 = heapV[0];
        if (heapV.length < k || (top ? h0 < x : h0 > x) || Number.isNaN(h0)) {
          if (heapV.length === k) {
            if (k === 1) {
              heapV[0] = x;
              heapS[0] = s;
              continue;
            }
            const last = heapV.length - 1;
            swap(0, last);
            down(0, last);
            heapV.pop();
            heapS.pop();
          }
          heapV.push(x);
          heapS.push(s);
          up(heapV.length - 1);
        }
      }
      for (const s of heapS) {
        let h = outHas.get(s);
        if (!h) outHas.set(s, (h = new Uint8Array(n)));
        h[i] = 1;
      }
    }
    ev.q.check();
  }
  const out: StepSeries[] = [];
  for (const [s, has] of outHas) out.push({ labels: s.labels, v: s.v, has, key: s.key });
  if (n === 1) {
    // An instant topk lists the highest first (bottomk: the lowest).
    out.sort((x, y) => {
      const a = x.v[0];
      const b = y.v[0];
      if (Number.isNaN(a)) return 1;
      if (Number.isNaN(b)) return -1;
      return top ? b - a : a - b;
    });
  }
  return ev.finishVector(out);
}

function countValues(ev: Evaluator, a: Aggregate, input: VectorValue, grouping: string[]): VectorValue {
  const n = ev.steps;
  const label = (ev.eval(a.param!) as { value: string }).value;
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label))
    throw new QueryError(`invalid label name "${label}"`, 'execution');
  const keys = a.without ? grouping : [...grouping, label].sort();
  const merger = new SeriesMerger(n);
  const labelCache = new Map<string, { labels: Labels; key: string }>();
  for (let i = 0; i < n; i++) {
    for (const s of input.series) {
      if (!s.has[i]) continue;
      const str = formatFloatF(s.v[i]);
      const ck = `${keyOf(s)}\u0002${str}`;
      let c = labelCache.get(ck);
      if (!c) {
        const withValue = { ...s.labels, [label]: str };
        const labels = groupLabels(withValue, keys, a.without);
        c = { labels, key: groupKey(withValue, keys, a.without) };
        labelCache.set(ck, c);
      }
      merger.increment(c.labels, c.key, i);
    }
  }
  return { type: 'vector', series: merger.result() };
}
