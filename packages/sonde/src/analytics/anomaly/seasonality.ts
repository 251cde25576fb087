// An online seasonal profile for one candidate period (a day, a week): the
// expected value per phase bin (an EWMA per bin, linearly interpolated between
// bin centres), a residual scale per bin, and an online test of whether the
// series really follows the profile. Seasonality is detected, not assumed:
// the profile's error is compared with the error of the plain rolling median;
// the period counts as present once, after two full periods, the profile
// removes at least `minStrength` of that error (the STL "seasonal strength"
// idea, online), and stays present until it removes less than a quarter of
// that (so an anomaly that breaks the pattern does not switch it off). The
// per-bin scale is stored as one byte, log-coded relative to the
// profile-wide scale, to keep a weekly profile under 1.1 KiB.

export interface SeasonalOptions {
  readonly periodMs: number;
  readonly bins: number;
  /** Weight of a new pass over a bin once the profile has history. */
  readonly alpha?: number;
  /** Share of the non-seasonal squared error the profile must remove. */
  readonly minStrength?: number;
}

/** Once present, a period stays present until its strength falls below this share of minStrength. */
const HYSTERESIS = 0.25;
/**
 * EWMA weight of the error comparison and of the profile-wide residual scale
 * (~50 points: a few hours at 5-minute spacing, so the scale follows the day).
 */
const ERR_W = 0.02;
const DEV_STEPS_PER_E = 24; // log-code resolution: ~4% per step, ratios in [e^-5.3, e^5.3]

export class SeasonalProfile {
  readonly periodMs: number;
  readonly bins: number;
  private readonly mean: Float32Array;
  private readonly devCode: Uint8Array;
  private readonly alpha: number;
  private readonly minStrength: number;
  private firstT = Number.NaN;
  private lastT = Number.NaN;
  private errSeasonal = 0;
  private errPlain = 0;
  private on = false;
  /** EWMA of |residual| against the profile: the profile-wide residual scale. */
  private absResidual = 0;

  constructor(o: SeasonalOptions) {
    this.periodMs = o.periodMs;
    this.bins = o.bins;
    this.mean = new Float32Array(o.bins).fill(Number.NaN);
    this.devCode = new Uint8Array(o.bins);
    this.alpha = o.alpha ?? 0.25;
    this.minStrength = o.minStrength ?? 0.4;
  }

  get bytes(): number {
    return this.mean.byteLength + this.devCode.byteLength + 64;
  }

  /** 1 - (profile error / plain error): near 1 for a clean seasonal series, ≤ 0 for none. */
  get strength(): number {
    return this.errPlain > 0 ? 1 - this.errSeasonal / this.errPlain : 0;
  }

  /** Whether the period is present: two full periods seen and the profile explains enough. */
  active(t: number): boolean {
    return this.on && t - this.firstT >= 2 * this.periodMs;
  }

  /** The profile's expected value at t; NaN until both neighbouring bins have history. */
  expected(t: number): number {
    const pos = this.phase(t) * this.bins - 0.5;
    const i0 = Math.floor(pos);
    const frac = pos - i0;
    const a = this.mean[(i0 + this.bins) % this.bins];
    const b = this.mean[(i0 + 1) % this.bins];
    return a * (1 - frac) + b * frac;
  }

  /**
   * x's distance from the profile at t, tolerant to one bin of phase jitter:
   * 0 anywhere between the two neighbouring bins' values, so a sharp daily edge
   * that lands a few minutes early or late is not an anomaly; NaN until both have history.
   */
  residual(t: number, x: number): number {
    const pos = this.phase(t) * this.bins - 0.5;
    const i0 = Math.floor(pos);
    const a = this.mean[(i0 + this.bins) % this.bins];
    const b = this.mean[(i0 + 1) % this.bins];
    if (x > a && x > b) return x - Math.max(a, b);
    if (x < a && x < b) return x - Math.min(a, b);
    return Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : 0;
  }

  /** Typical |residual| at t: its bin's scale, at least half the profile-wide one. */
  deviation(t: number): number {
    const code = this.devCode[this.binOf(t)];
    const binDev = code === 0 ? 0 : this.absResidual * Math.exp((code - 128) / DEV_STEPS_PER_E);
    return Math.max(binDev, this.absResidual * 0.5);
  }

  /** Learns x at t (after it was scored); `plainResidual` is x minus the rolling median. */
  learn(t: number, x: number, plainResidual: number): void {
    if (Number.isNaN(this.firstT)) this.firstT = t;
    const binMs = this.periodMs / this.bins;
    const dt = Number.isNaN(this.lastT) ? binMs : Math.min(binMs, Math.max(0, t - this.lastT));
    this.lastT = t;
    const bin = this.binOf(t);
    const e = this.expected(t);
    // The first passes average; later ones forget at `alpha` per pass over the bin.
    const passes = Math.floor((t - this.firstT) / this.periodMs);
    const a = Math.min(1, (Math.max(this.alpha, 1 / (passes + 1)) * dt) / binMs);
    if (!Number.isNaN(e)) {
      const r = x - e;
      const w = ERR_W;
      this.errSeasonal += w * (r * r - this.errSeasonal);
      this.errPlain += w * (plainResidual * plainResidual - this.errPlain);
      this.absResidual += w * (Math.abs(r) - this.absResidual);
      // Hysteresis: an anomaly that breaks the pattern for a while must not switch the baseline off.
      const st = this.strength;
      this.on = this.on ? st >= this.minStrength * HYSTERESIS : st >= this.minStrength;
      if (this.absResidual > 0) {
        // The bin's scale is learned from the same phase-tolerant residual it will divide, so a bin
        // holding a sharp daily edge does not learn the edge's height as its usual noise.
        const rr = Math.abs(this.residual(t, x));
        const old = this.devCode[bin] === 0 ? rr : this.deviationOfCode(this.devCode[bin]);
        const d = old + a * (rr - old);
        const code = Math.round(128 + DEV_STEPS_PER_E * Math.log(Math.max(d, 1e-300) / this.absResidual));
        this.devCode[bin] = Math.min(255, Math.max(1, code));
      }
    }
    const m = this.mean[bin];
    this.mean[bin] = Number.isNaN(m) ? x : m + a * (x - m);
  }

  private deviationOfCode(code: number): number {
    return this.absResidual * Math.exp((code - 128) / DEV_STEPS_PER_E);
  }

  private phase(t: number): number {
    return (((t % this.periodMs) + this.periodMs) % this.periodMs) / this.periodMs;
  }

  private binOf(t: number): number {
    return Math.min(this.bins - 1, Math.floor(this.phase(t) * this.bins));
  }
}
