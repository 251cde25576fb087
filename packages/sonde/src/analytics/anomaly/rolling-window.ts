// A fixed-size rolling window of the last W values, kept twice: in arrival
// order (a ring, to know which value leaves) and sorted (for order statistics).
// Insert/evict is a binary search plus one memmove of at most W floats, so a
// median, a quantile or the MAD costs O(log W) to O(W) with no allocation.
// Values are stored as Float32 to halve the per-series footprint; anomaly
// scoring needs ~7 significant digits, not 16.

export class RollingWindow {
  private readonly ring: Float32Array;
  private readonly sorted: Float32Array;
  private head = 0;
  private n = 0;

  constructor(readonly capacity: number) {
    this.ring = new Float32Array(capacity);
    this.sorted = new Float32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  get bytes(): number {
    return this.ring.byteLength + this.sorted.byteLength + 16;
  }

  push(x: number): void {
    const f = Math.fround(x);
    if (this.n === this.capacity) {
      const old = this.ring[this.head];
      const i = this.lowerBound(old);
      this.sorted.copyWithin(i, i + 1, this.n);
      this.n--;
    }
    const j = this.lowerBound(f);
    this.sorted.copyWithin(j + 1, j, this.n);
    this.sorted[j] = f;
    this.n++;
    this.ring[this.head] = f;
    this.head = (this.head + 1) % this.capacity;
  }

  /** The q-quantile (0..1) with linear interpolation, as numpy's default. */
  quantile(q: number): number {
    const n = this.n;
    if (n === 0) return Number.NaN;
    const pos = q * (n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, n - 1);
    return this.sorted[lo] + (this.sorted[hi] - this.sorted[lo]) * (pos - lo);
  }

  median(): number {
    return this.quantile(0.5);
  }

  /** Median absolute deviation from `m`: a merge outward from m over the sorted values. */
  mad(m: number): number {
    const n = this.n;
    if (n === 0) return Number.NaN;
    const s = this.sorted;
    let r = this.lowerBound(m);
    let l = r - 1;
    const k1 = (n - 1) >> 1;
    const k2 = n >> 1;
    let a = 0;
    for (let k = 0; k <= k2; k++) {
      const dl = l >= 0 ? m - s[l] : Number.POSITIVE_INFINITY;
      const dr = r < n ? s[r] - m : Number.POSITIVE_INFINITY;
      let d: number;
      if (dl <= dr) {
        d = dl;
        l--;
      } else {
        d = dr;
        r++;
      }
      if (k === k1) a = d;
      if (k === k2) return (a + d) / 2;
    }
    return a;
  }

  /** Mean absolute deviation from `m` (O(W)): a scale for windows whose MAD and IQR are 0. */
  meanAbsDev(m: number): number {
    let s = 0;
    for (let i = 0; i < this.n; i++) s += Math.abs(this.sorted[i] - m);
    return this.n ? s / this.n : Number.NaN;
  }

  /** x's mid-rank among the window's values, in [0,1] (0.5 when empty). */
  rank(x: number): number {
    const n = this.n;
    if (n === 0) return 0.5;
    const f = Math.fround(x);
    const lo = this.lowerBound(f);
    let hi = lo;
    while (hi < n && this.sorted[hi] === f) hi++;
    return (lo + hi) / (2 * n);
  }

  /** The most recent value pushed `back` steps ago (0 = last). */
  recent(back: number): number {
    return this.ring[(this.head - 1 - back + 2 * this.capacity) % this.capacity];
  }

  private lowerBound(x: number): number {
    let lo = 0;
    let hi = this.n;
    const s = this.sorted;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
