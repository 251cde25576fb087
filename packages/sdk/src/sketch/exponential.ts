// A mergeable exponential-bucket sketch: the bucket scheme of Prometheus native
// histograms and OpenTelemetry exponential histograms. At scale s the base is
// 2^(2^-s) and (Prometheus convention, kept here) positive bucket i covers
// (base^(i-1), base^i]; negative bucket i covers [-base^i, -base^(i-1)); values
// with |v| <= zeroThreshold go to the zero bucket.
//
// Counts are kept densely per sign over the range of indices seen. When that
// range would exceed `maxBuckets`, the scale is reduced (two neighbouring
// buckets merge per step), so memory stays bounded whatever is observed.
// A quantile is answered from the bucket holding its rank, as the value
// 2·base^i/(base+1), whose relative error to anything in the bucket is at
// most (base-1)/(base+1): 0.27% at scale 7, 0.54% at scale 6. With the
// default 1280 buckets, scale 6 holds a max/min ratio up to 2^20 (10^6);
// a wider range drops to scale 5 (1.1%).

/** One dense run of buckets: bucket `offset + k` has count `counts[k]`. */
export interface BucketSpan {
  readonly offset: number;
  readonly counts: readonly number[];
}

/**
 * The snapshot shape shared with the sonde server (its `HistogramSample`):
 * absolute counts, Prometheus bucket indexing.
 */
export interface HistogramSample {
  readonly schema: number;
  readonly zeroThreshold: number;
  readonly zeroCount: number;
  readonly count: number;
  readonly sum: number;
  readonly positive: BucketSpan;
  readonly negative: BucketSpan;
}

export interface SketchOptions {
  /** Starting scale (schema), -4..8. Default 8 (the finest Prometheus accepts). */
  scale?: number;
  /** Most buckets per sign before the scale is reduced. Default 1280: scale 6 (≤0.54% error) spans 2^20. */
  maxBuckets?: number;
  /** |v| at or under this counts in the zero bucket. Default 2^-128 (Prometheus' default). */
  zeroThreshold?: number;
}

export const MIN_SCALE = -4;
export const MAX_SCALE = 8;
export const DEFAULT_MAX_BUCKETS = 1280;
export const DEFAULT_ZERO_THRESHOLD = 2 ** -128;

/** ceil(i / 2^k) for integer i and k >= 0. */
function downIndex(i: number, k: number): number {
  return k === 0 ? i : ((i - 1) >> k) + 1;
}

const U32_MAX = 0xffffffff;

/**
 * Dense counts for one sign: 32-bit counters (4 bytes a bucket), widened to
 * 64-bit floats the first time a bucket would pass 2^32-1 or a merged count
 * is not an integer.
 */
class Buckets {
  counts: Uint32Array | Float64Array;
  wide = false;
  /** Bucket index of counts[0]. */
  base = 0;
  /** Lowest and highest used index; lo > hi when empty. */
  lo = 1;
  hi = 0;

  constructor(capacity = 8) {
    this.counts = new Uint32Array(capacity);
  }

  get empty(): boolean {
    return this.lo > this.hi;
  }

  private alloc(n: number): Uint32Array | Float64Array {
    return this.wide ? new Float64Array(n) : new Uint32Array(n);
  }

  /** Switches to 64-bit float counters. */
  widen(): void {
    if (this.wide) return;
    this.wide = true;
    this.counts = Float64Array.from(this.counts);
  }

  /** Called after `++counts[k]` wrapped a 32-bit counter to 0. */
  overflowed(k: number): void {
    this.widen();
    this.counts[k] = U32_MAX + 1;
  }

  /** Makes room for index i (range already checked against maxBuckets). */
  ensure(i: number): void {
    const empty = this.empty;
    const lo = empty ? i : Math.min(this.lo, i);
    const hi = empty ? i : Math.max(this.hi, i);
    const cap = this.counts.length;
    if (cap > 0 && lo >= this.base && hi < this.base + cap) return;
    const span = hi - lo + 1;
    // Modest slack (memory is ~4 bytes per bucket between the lowest and
    // highest index seen): at most 64 spare buckets, split on both sides.
    const newCap = span + Math.min(64, Math.max(8, span >> 3));
    const next = this.alloc(newCap);
    const newBase = lo - ((newCap - span) >> 1);
    if (!empty)
      next.set(this.counts.subarray(this.lo - this.base, this.hi - this.base + 1), this.lo - newBase);
    this.counts = next;
    this.base = newBase;
  }

  add(i: number, n: number): void {
    if (!this.wide && !Number.isInteger(n)) this.widen();
    this.ensure(i);
    const k = i - this.base;
    const v = this.counts[k] + n;
    if (v > U32_MAX && !this.wide) this.widen();
    this.counts[k] = v;
    if (this.empty) {
      this.lo = i;
      this.hi = i;
    } else if (i < this.lo) this.lo = i;
    else if (i > this.hi) this.hi = i;
  }

  /** Merges buckets pairwise k times (scale reduced by k). */
  downscale(k: number): void {
    if (k <= 0 || this.empty) return;
    const lo = downIndex(this.lo, k);
    const hi = downIndex(this.hi, k);
    const next = new Float64Array(Math.max(8, hi - lo + 1 + 16));
    const newBase = lo - ((next.length - (hi - lo + 1)) >> 1);
    let max = 0;
    for (let i = this.lo; i <= this.hi; i++) {
      const c = this.counts[i - this.base];
      if (c !== 0) {
        const t = (next[downIndex(i, k) - newBase] += c);
        if (t > max) max = t;
      }
    }
    if (max > U32_MAX) this.wide = true;
    this.counts = this.wide ? next : Uint32Array.from(next);
    this.base = newBase;
    this.lo = lo;
    this.hi = hi;
  }

  get(i: number): number {
    const k = i - this.base;
    return k >= 0 && k < this.counts.length ? this.counts[k] : 0;
  }

  span(): BucketSpan {
    if (this.empty) return { offset: 0, counts: [] };
    return {
      offset: this.lo,
      counts: Array.from(this.counts.subarray(this.lo - this.base, this.hi - this.base + 1)),
    };
  }

  clear(): void {
    if (!this.empty) this.counts.fill(0);
    this.lo = 1;
    this.hi = 0;
  }
}

export class ExponentialSketch {
  scale: number;
  readonly maxBuckets: number;
  readonly zeroThreshold: number;
  count = 0;
  sum = 0;
  zeroCount = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  private factor: number;
  private readonly pos = new Buckets();
  private readonly neg = new Buckets(0);

  constructor(opts: SketchOptions = {}) {
    const scale = opts.scale ?? MAX_SCALE;
    if (!Number.isInteger(scale) || scale < MIN_SCALE || scale > MAX_SCALE) {
      throw new TypeError(`sketch scale must be an integer in [${MIN_SCALE}, ${MAX_SCALE}], got ${scale}`);
    }
    const maxBuckets = opts.maxBuckets ?? DEFAULT_MAX_BUCKETS;
    if (!Number.isInteger(maxBuckets) || maxBuckets < 2) {
      throw new TypeError(`sketch maxBuckets must be an integer >= 2, got ${maxBuckets}`);
    }
    const zt = opts.zeroThreshold ?? DEFAULT_ZERO_THRESHOLD;
    if (!(zt >= 0) || !Number.isFinite(zt))
      throw new TypeError(`sketch zeroThreshold must be a finite number >= 0`);
    this.scale = scale;
    this.maxBuckets = maxBuckets;
    this.zeroThreshold = zt;
    this.factor = 2 ** scale;
  }

  /** The bucket index of |v| at the current scale (|v| > zeroThreshold, finite). */
  indexOf(abs: number): number {
    return Math.ceil(Math.log2(abs) * this.factor);
  }

  /** Records one value. NaN and ±Infinity are not recorded (returns false). */
  record(v: number): boolean {
    if (v > this.zeroThreshold) {
      if (v === Number.POSITIVE_INFINITY) return false;
      const i = Math.ceil(Math.log2(v) * this.factor);
      const p = this.pos;
      const k = i - p.base;
      if (i >= p.lo && i <= p.hi) {
        // ++ yields old+1 even when the 32-bit store wraps to 0: widen then (once in 4 billion)
        if (++p.counts[k] > U32_MAX && !p.wide) p.overflowed(k);
      } else this.addSlow(p, i, 1);
    } else if (v < -this.zeroThreshold) {
      if (v === Number.NEGATIVE_INFINITY) return false;
      this.addSlow(this.neg, Math.ceil(Math.log2(-v) * this.factor), 1);
    } else if (!Number.isNaN(v)) {
      this.zeroCount++;
    } else {
      return false;
    }
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    return true;
  }

  private addSlow(b: Buckets, i: number, n: number): void {
    const lo = b.empty ? i : Math.min(b.lo, i);
    const hi = b.empty ? i : Math.max(b.hi, i);
    if (hi - lo + 1 > this.maxBuckets) {
      let k = 0;
      while (downIndex(hi, k) - downIndex(lo, k) + 1 > this.maxBuckets) k++;
      if (this.scale - k < MIN_SCALE) k = this.scale - MIN_SCALE;
      this.downscale(k);
      i = downIndex(i, k);
    }
    b.add(i, n);
  }

  /** Reduces the scale by k (k >= 0). */
  downscale(k: number): void {
    if (k <= 0) return;
    this.pos.downscale(k);
    this.neg.downscale(k);
    this.scale -= k;
    this.factor = 2 ** this.scale;
  }

  /** Adds another sketch's observations into this one (scales are reconciled). */
  merge(other: ExponentialSketch | HistogramSample): void {
    const snap = other instanceof ExponentialSketch ? other.toHistogramSample() : other;
    if (snap.schema < this.scale) this.downscale(this.scale - snap.schema);
    const addRun = (run: BucketSpan, b: Buckets) => {
      for (let j = 0; j < run.counts.length; j++) {
        const c = run.counts[j];
        // addSlow may reduce this.scale, so the shift is recomputed per bucket.
        if (c !== 0) this.addSlow(b, downIndex(run.offset + j, snap.schema - this.scale), c);
      }
    };
    addRun(snap.positive, this.pos);
    addRun(snap.negative, this.neg);
    this.zeroCount += snap.zeroCount;
    this.count += snap.count;
    this.sum += snap.sum;
    if (other instanceof ExponentialSketch) {
      if (other.min < this.min) this.min = other.min;
      if (other.max > this.max) this.max = other.max;
    } else {
      // Without min/max, bound them by the buckets merged in.
      const lo = this.lowestBound();
      const hi = this.highestBound();
      if (lo < this.min) this.min = lo;
      if (hi > this.max) this.max = hi;
    }
  }

  private lowestBound(): number {
    const base = 2 ** (2 ** -this.scale);
    if (!this.neg.empty) return -(base ** this.neg.hi);
    if (this.zeroCount > 0) return 0;
    if (!this.pos.empty) return base ** (this.pos.lo - 1);
    return Number.POSITIVE_INFINITY;
  }

  private highestBound(): number {
    const base = 2 ** (2 ** -this.scale);
    if (!this.pos.empty) return base ** this.pos.hi;
    if (this.zeroCount > 0) return 0;
    if (!this.neg.empty) return -(base ** (this.neg.lo - 1));
    return Number.NEGATIVE_INFINITY;
  }

  /**
   * The q-quantile (0 <= q <= 1) of what was recorded: the value of rank
   * floor(q·(count-1)) in sorted order, within (base-1)/(base+1) relative
   * error; NaN when empty.
   */
  quantile(q: number): number {
    if (this.count === 0 || !(q >= 0 && q <= 1)) return Number.NaN;
    if (q === 0) return this.min;
    if (q === 1) return this.max;
    const rank = Math.floor(q * (this.count - 1));
    const base = 2 ** (2 ** -this.scale);
    let seen = 0;
    const neg = this.neg;
    if (!neg.empty) {
      for (let i = neg.hi; i >= neg.lo; i--) {
        seen += neg.get(i);
        if (seen > rank) return this.clamp((-2 * base ** i) / (base + 1));
      }
    }
    seen += this.zeroCount;
    if (seen > rank) return this.clamp(0);
    const pos = this.pos;
    if (!pos.empty) {
      const c = pos.counts;
      for (let i = pos.lo; i <= pos.hi; i++) {
        seen += c[i - pos.base];
        if (seen > rank) return this.clamp((2 * base ** i) / (base + 1));
      }
    }
    return this.max;
  }

  private clamp(v: number): number {
    return v < this.min ? this.min : v > this.max ? this.max : v;
  }

  /** Bytes held by the bucket arrays (the sketch's memory beyond a few fixed fields). */
  byteSize(): number {
    return this.pos.counts.byteLength + this.neg.counts.byteLength;
  }

  /** Relative error bound of quantiles at the current scale. */
  relativeError(): number {
    const base = 2 ** (2 ** -this.scale);
    return (base - 1) / (base + 1);
  }

  /** Count of recorded values <= x, estimated from buckets (exact at bucket bounds). */
  countAtOrBelow(x: number): number {
    let n = 0;
    const base = 2 ** (2 ** -this.scale);
    if (!this.neg.empty) {
      for (let i = this.neg.lo; i <= this.neg.hi; i++) {
        // bucket [-base^i, -base^(i-1))
        if (-(base ** (i - 1)) <= x) n += this.neg.get(i);
      }
    }
    if (x >= 0) n += this.zeroCount;
    if (!this.pos.empty) {
      for (let i = this.pos.lo; i <= this.pos.hi; i++) if (base ** i <= x) n += this.pos.get(i);
    }
    return n;
  }

  reset(): void {
    this.pos.clear();
    this.neg.clear();
    this.count = 0;
    this.sum = 0;
    this.zeroCount = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
  }

  /** Snapshot in the sonde server's HistogramSample shape (absolute counts). */
  toHistogramSample(): HistogramSample {
    return {
      schema: this.scale,
      zeroThreshold: this.zeroThreshold,
      zeroCount: this.zeroCount,
      count: this.count,
      sum: this.sum,
      positive: this.pos.span(),
      negative: this.neg.span(),
    };
  }

  /** A sketch holding what a HistogramSample describes. */
  static fromHistogramSample(h: HistogramSample, opts: Omit<SketchOptions, 'scale'> = {}): ExponentialSketch {
    const s = new ExponentialSketch({
      ...opts,
      scale: h.schema,
      zeroThreshold: opts.zeroThreshold ?? h.zeroThreshold,
    });
    s.merge(h);
    return s;
  }

  clone(): ExponentialSketch {
    const s = new ExponentialSketch({
      scale: this.scale,
      maxBuckets: this.maxBuckets,
      zeroThreshold: this.zeroThreshold,
    });
    s.merge(this);
    return s;
  }
}

/** Lower and upper bound of positive bucket i at a scale (Prometheus convention). */
export function bucketBounds(scale: number, index: number): [number, number] {
  const base = 2 ** (2 ** -scale);
  return [base ** (index - 1), base ** index];
}
