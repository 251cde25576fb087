// A short-sequence memory for one series: which level tends to follow which.
// Values are discretized by their rank in the rolling window (equal-count
// levels, so the model follows the series' own scale and level), and a table
// of level-to-level transition counts predicts the next level. The surprise of
// a point is -log P(its level | previous level), smoothed over a few points: a
// series that keeps doing what it has rarely done (going flat where it always
// moves, oscillating where it trends) scores high even when no single value is
// out of range. A cheap, online stand-in for HTM's sequence memory.

export class TransitionSurprise {
  private readonly counts: Uint16Array;
  private prev = -1;
  private smooth = 0;

  /** `levels` per axis of the table; `alpha` is the EWMA weight of the smoothed surprise. */
  constructor(
    readonly levels: number,
    private readonly alpha: number,
  ) {
    this.counts = new Uint16Array(levels * levels);
  }

  get bytes(): number {
    return this.counts.byteLength + 24;
  }

  /** Feeds the point's rank in [0,1]; returns the smoothed surprise (nats) of its transition, then learns it. */
  update(rank: number): number {
    const L = this.levels;
    const cur = Math.min(L - 1, Math.max(0, Math.floor(rank * L)));
    const p = this.prev;
    this.prev = cur;
    if (p < 0) return 0;
    const row = p * L;
    let total = 0;
    for (let j = 0; j < L; j++) total += this.counts[row + j];
    // Laplace prior: an unseen row predicts every level alike (surprise log L).
    const s = -Math.log((this.counts[row + cur] + 0.5) / (total + 0.5 * L));
    this.smooth += this.alpha * (s - this.smooth);
    if (this.counts[row + cur] === 0xffff) for (let j = 0; j < L; j++) this.counts[row + j] >>>= 1;
    this.counts[row + cur]++;
    return this.smooth;
  }
}
