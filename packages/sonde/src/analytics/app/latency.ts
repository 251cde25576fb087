// Request-latency distributions per group (route, method) over a window,
// from either histogram flavour sonde stores: native exponential histograms
// (merged sketches of the window increase) or classic `_bucket{le}` series
// (bucket increases summed, read with Prometheus' linear interpolation).
import type { SeriesData } from '../../storage/types.js';
import {
  mergeSketches,
  type Sketch,
  sketchFractionBelow,
  sketchQuantile,
  windowIncrease,
} from '../stats/histogram.js';
import { increase, type MetricSource } from '../system/counters.js';

export interface LatencyDistribution {
  readonly count: number;
  quantile(q: number): number;
  /** Share of requests at or below x seconds. */
  fractionBelow(x: number): number;
}

class SketchDistribution implements LatencyDistribution {
  constructor(private readonly s: Sketch) {}
  get count(): number {
    return this.s.count;
  }
  quantile(q: number): number {
    return sketchQuantile(this.s, q);
  }
  fractionBelow(x: number): number {
    return sketchFractionBelow(this.s, x);
  }
}

/** Cumulative classic buckets: upper bounds ascending (last +Inf) and counts ≤ each. */
class BucketDistribution implements LatencyDistribution {
  constructor(
    private readonly les: number[],
    private readonly cum: number[],
  ) {}
  get count(): number {
    return this.cum.length ? this.cum[this.cum.length - 1] : 0;
  }
  quantile(q: number): number {
    const n = this.count;
    if (!(n > 0)) return Number.NaN;
    const rank = q * n;
    for (let i = 0; i < this.les.length; i++) {
      if (this.cum[i] >= rank) {
        if (this.les[i] === Number.POSITIVE_INFINITY) return i > 0 ? this.les[i - 1] : Number.NaN;
        const lo = i > 0 ? this.les[i - 1] : 0;
        const below = i > 0 ? this.cum[i - 1] : 0;
        const inBucket = this.cum[i] - below;
        return inBucket > 0 ? lo + ((this.les[i] - lo) * (rank - below)) / inBucket : this.les[i];
      }
    }
    return this.les[this.les.length - 1];
  }
  fractionBelow(x: number): number {
    const n = this.count;
    if (!(n > 0)) return Number.NaN;
    for (let i = 0; i < this.les.length; i++) {
      if (x <= this.les[i]) {
        const lo = i > 0 ? this.les[i - 1] : 0;
        const below = i > 0 ? this.cum[i - 1] : 0;
        if (this.les[i] === Number.POSITIVE_INFINITY) return below / n;
        return (below + ((this.cum[i] - below) * (x - lo)) / (this.les[i] - lo)) / n;
      }
    }
    return 1;
  }
}

/** Latency per group key (from `keyOf(labels)`), native histograms preferred over classic buckets. */
export function latencyByGroup(
  src: MetricSource,
  metric: string,
  keyOf: (s: SeriesData) => string,
): Map<string, LatencyDistribution> {
  const out = new Map<string, LatencyDistribution>();
  const sketches = new Map<string, Sketch[]>();
  for (const s of src(metric)) {
    if (!s.h || s.h.length === 0) continue;
    const k = keyOf(s);
    let list = sketches.get(k);
    if (!list) sketches.set(k, (list = []));
    list.push(windowIncrease(s.h));
  }
  for (const [k, list] of sketches) out.set(k, new SketchDistribution(mergeSketches(list)));
  const buckets = new Map<string, Map<number, number>>();
  for (const s of src(`${metric}_bucket`)) {
    const k = keyOf(s);
    if (out.has(k)) continue;
    const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
    if (Number.isNaN(le)) continue;
    let m = buckets.get(k);
    if (!m) buckets.set(k, (m = new Map()));
    m.set(le, (m.get(le) ?? 0) + increase(s.v));
  }
  for (const [k, m] of buckets) {
    const les = [...m.keys()].sort((a, b) => a - b);
    const cum = les.map((le) => m.get(le)!);
    // Series scraped at slightly different moments can break monotonicity; repair it as Prometheus does.
    for (let i = 1; i < cum.length; i++) cum[i] = Math.max(cum[i], cum[i - 1]);
    out.set(k, new BucketDistribution(les, cum));
  }
  return out;
}

/** All groups merged into one distribution (for Apdex over every request). */
export function latencyOverall(src: MetricSource, metric: string): LatencyDistribution | null {
  const one = latencyByGroup(src, metric, () => '');
  return one.get('') ?? null;
}
