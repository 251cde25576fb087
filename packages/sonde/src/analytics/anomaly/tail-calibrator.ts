// How unusual is a non-negative feature value (|z|, a CUSUM statistic, ...)
// for *this* series? A log-spaced histogram of the values seen so far, with
// exponential forgetting, gives the series' own high quantile; a value is
// judged against that instead of a fixed constant, so a heavy-tailed series
// (tweet counts, spiky request counts) needs a larger excursion to alarm than
// a calm one. Forgetting is lazy: each new value is added with a weight that
// grows by 1/(1-1/halfLifeN); the counts are rescaled only when it gets large.

const BINS = 32;
const MIN = 0.05;
const MAX = 2000;
const LOG_MIN = Math.log(MIN);
const STEP = (Math.log(MAX) - LOG_MIN) / BINS;

export class TailCalibrator {
  private readonly counts = new Float32Array(BINS + 1); // last bin: >= MAX
  private weight = 1;
  private total = 0;
  private readonly growth: number;

  constructor(memoryPoints: number) {
    this.growth = 1 / (1 - 1 / memoryPoints);
  }

  get bytes(): number {
    return this.counts.byteLength + 24;
  }

  /** Effective number of observations remembered. */
  get mass(): number {
    return this.total / this.weight;
  }

  add(f: number): void {
    let b: number;
    if (!(f > MIN)) b = 0;
    else if (f >= MAX) b = BINS;
    else b = Math.min(BINS - 1, Math.floor((Math.log(f) - LOG_MIN) / STEP));
    this.counts[b] += this.weight;
    this.total += this.weight;
    this.weight *= this.growth;
    if (this.weight > 1e20) {
      const inv = 1 / this.weight;
      for (let i = 0; i <= BINS; i++) this.counts[i] *= inv;
      this.total *= inv;
      this.weight = 1;
    }
  }

  /** The q-quantile (e.g. 0.99) of remembered values, interpolated in log space within a bin. */
  quantile(q: number): number {
    if (this.total <= 0) return Number.NaN;
    const target = q * this.total;
    let acc = 0;
    for (let i = 0; i <= BINS; i++) {
      const c = this.counts[i];
      if (acc + c >= target && c > 0) {
        if (i === BINS) return MAX;
        const frac = (target - acc) / c;
        return Math.exp(LOG_MIN + (i + frac) * STEP);
      }
      acc += c;
    }
    return MAX;
  }
}
