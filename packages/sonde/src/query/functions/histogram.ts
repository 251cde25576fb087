// histogram_quantile over classic (le-bucketed) histograms, with Prometheus's
// bucket sorting, coalescing and monotonicity repair, and over native
// histograms; histogram_count, histogram_sum and histogram_fraction (native
// only, as in Prometheus).
import type { Labels } from '../../storage/types.js';
import { type FHist, histFraction, histQuantile } from '../eval/histogram.js';
import { dropName } from '../eval/labels.js';
import type { ScalarValue, StepSeries, VectorValue } from '../eval/values.js';
import { type CallContext, registerFunction } from './registry.js';

/** One float per native-histogram sample of each series, names dropped. */
function mapNative(vec: VectorValue, ctx: CallContext, f: (h: FHist, i: number) => number): StepSeries[] {
  const out: StepSeries[] = [];
  for (const s of vec.series) {
    if (!s.h) continue;
    const v = new Float64Array(ctx.steps);
    const has = new Uint8Array(ctx.steps);
    for (let i = 0; i < ctx.steps; i++) {
      const h = s.h[i];
      if (!h || !s.has[i]) continue;
      v[i] = f(h, i);
      has[i] = 1;
    }
    out.push({ labels: dropName(s.labels), v, has });
  }
  return out;
}

interface Bucket {
  upper: number;
  count: number;
}

/** Prometheus's bucketQuantile. */
export function bucketQuantile(q: number, buckets: Bucket[]): number {
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  buckets.sort((a, b) => a.upper - b.upper);
  if (buckets.length === 0 || buckets[buckets.length - 1].upper !== Infinity) return Number.NaN;
  // Coalesce buckets with the same upper bound.
  let w = 0;
  for (let r = 1; r < buckets.length; r++) {
    if (buckets[r].upper === buckets[w].upper)
      buckets[w] = { upper: buckets[w].upper, count: buckets[w].count + buckets[r].count };
    else buckets[++w] = buckets[r];
  }
  buckets.length = w + 1;
  // Ensure monotonic counts.
  let max = -Infinity;
  for (const b of buckets) {
    if (b.count > max) max = b.count;
    else if (b.count < max) b.count = max;
  }
  if (buckets.length < 2) return Number.NaN;
  const observations = buckets[buckets.length - 1].count;
  if (observations === 0) return Number.NaN;
  let rank = q * observations;
  // sort.Search over buckets[0 .. n-2] for count >= rank.
  let lo = 0;
  let hi = buckets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (buckets[mid].count >= rank) hi = mid;
    else lo = mid + 1;
  }
  const b = lo;
  if (b === buckets.length - 1) return buckets[buckets.length - 2].upper;
  if (b === 0 && buckets[0].upper <= 0) return buckets[0].upper;
  let bucketStart = 0;
  const bucketEnd = buckets[b].upper;
  let count = buckets[b].count;
  if (b > 0) {
    bucketStart = buckets[b - 1].upper;
    count -= buckets[b - 1].count;
    rank -= buckets[b - 1].count;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}

/** Go's strconv.ParseFloat for an le value, or null. */
function parseLe(s: string | undefined): number | null {
  if (s === undefined) return null;
  const t = s.trim();
  if (t !== s || t === '') return null;
  const lower = t.toLowerCase();
  if (lower === '+inf' || lower === 'inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (lower === 'nan') return Number.NaN;
  if (
    !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) &&
    !/^[+-]?0x[0-9a-f]+(\.[0-9a-f]*)?(p[+-]?\d+)?$/i.test(t)
  )
    return null;
  const v = Number(t);
  return Number.isNaN(v) ? null : v;
}

export function registerHistogramFunctions(): void {
  registerFunction('histogram_quantile', {
    argTypes: ['scalar', 'vector'],
    returnType: 'vector',
    call: (args, ctx): VectorValue => {
      const q = (args[0] as ScalarValue).v;
      const vec = args[1] as VectorValue;
      const n = ctx.steps;
      // Group bucket series by their labels without `le` (the name kept in the signature).
      const groups = new Map<string, { labels: Labels; members: { upper: number; s: StepSeries }[] }>();
      for (const s of vec.series) {
        if (s.h) continue;
        const upper = parseLe(s.labels.le);
        if (upper === null) continue;
        const keys = Object.keys(s.labels)
          .filter((k) => k !== 'le')
          .sort();
        let sig = '';
        for (const k of keys) sig += `${k}\u0000${s.labels[k]}\u0001`;
        let g = groups.get(sig);
        if (!g) {
          const labels: Record<string, string> = {};
          for (const k of keys) if (k !== '__name__') labels[k] = s.labels[k];
          g = { labels, members: [] };
          groups.set(sig, g);
        }
        g.members.push({ upper, s });
      }
      const out: StepSeries[] = [];
      const buckets: Bucket[] = [];
      for (const g of groups.values()) {
        const v = new Float64Array(n);
        const has = new Uint8Array(n);
        for (let i = 0; i < n; i++) {
          buckets.length = 0;
          for (const m of g.members) if (m.s.has[i]) buckets.push({ upper: m.upper, count: m.s.v[i] });
          if (buckets.length === 0) continue;
          v[i] = bucketQuantile(q[i], buckets);
          has[i] = 1;
        }
        out.push({ labels: g.labels, v, has });
      }
      // Native histograms, unless classic buckets of the same series answer at that step.
      const classicKeys = new Set(groups.keys());
      for (const s of vec.series) {
        if (!s.h) continue;
        const keys = Object.keys(s.labels).sort();
        let sig = '';
        for (const k of keys) sig += `${k}\u0000${s.labels[k]}\u0001`;
        const clash = classicKeys.has(sig);
        const v = new Float64Array(n);
        const has = new Uint8Array(n);
        for (let i = 0; i < n; i++) {
          const h = s.h[i];
          if (!h || !s.has[i] || clash) continue;
          v[i] = histQuantile(q[i], h);
          has[i] = 1;
        }
        out.push({ labels: dropName(s.labels), v, has });
      }
      return { type: 'vector', series: out };
    },
  });
  registerFunction('histogram_count', {
    argTypes: ['vector'],
    returnType: 'vector',
    call: (args, ctx): VectorValue => ({
      type: 'vector',
      series: mapNative(args[0] as VectorValue, ctx, (h) => h.count),
    }),
  });
  registerFunction('histogram_sum', {
    argTypes: ['vector'],
    returnType: 'vector',
    call: (args, ctx): VectorValue => ({
      type: 'vector',
      series: mapNative(args[0] as VectorValue, ctx, (h) => h.sum),
    }),
  });
  registerFunction('histogram_fraction', {
    argTypes: ['scalar', 'scalar', 'vector'],
    returnType: 'vector',
    call: (args, ctx): VectorValue => {
      const lo = (args[0] as ScalarValue).v;
      const hi = (args[1] as ScalarValue).v;
      return {
        type: 'vector',
        series: mapNative(args[2] as VectorValue, ctx, (h, i) => histFraction(lo[i], hi[i], h)),
      };
    },
  });
}
