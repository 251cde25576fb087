// Two-sided CUSUM (Page, 1954) over standardized residuals: small shifts that
// persist add up, so a level shift is caught within a few points even when no
// single point is extreme. `k` is the allowance (half the shift, in sigmas, it
// is tuned to detect); the statistic decays back to 0 while the level holds.

export class Cusum {
  up = 0;
  down = 0;

  constructor(readonly k: number) {}

  /** Feeds one standardized residual (clip it first) and returns max(up, down). */
  update(z: number): number {
    this.up = Math.max(0, this.up + z - this.k);
    this.down = Math.max(0, this.down - z - this.k);
    return Math.max(this.up, this.down);
  }

  /** +1 when the upward statistic leads, -1 when the downward one does. */
  get direction(): number {
    return this.up >= this.down ? 1 : -1;
  }

  reset(): void {
    this.up = 0;
    this.down = 0;
  }
}
