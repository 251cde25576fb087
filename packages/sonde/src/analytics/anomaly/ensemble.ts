// The online anomaly detector for one series: causal (a point is scored with
// the state built from earlier points only, then learned), bounded memory
// (< 4 KiB), a few microseconds per point. Five detectors vote:
//   spike   — robust z-score of the point against the rolling median/MAD, or
//             against the seasonal profile when a daily/weekly period is detected;
//   extreme — how far the point lies beyond the range seen so far: the rolling
//             window's min/max, widened by a high/low envelope of all history
//             that relaxes toward the median over ~envTau points (a new
//             high for the week, not just for the window);
//   shift   — two-sided CUSUM of the clipped z-scores (level shifts);
//   spread  — short-term RMS of the clipped z-scores (variance changes);
//   sequence — smoothed surprise of a level-to-level transition model over
//             the point's rank in the window (a pattern the series never
//             follows, even within its usual range; see sequence.ts).
// Each detector's value is judged against that series' own history of it
// (TailCalibrator; the spike z against the seasonal profile and against the
// rolling median have separate histories, as they measure different things):
// the alarm level is the larger of margin × its 99th percentile and its 99.9th
// percentile, never below an absolute floor. So one global configuration fits
// calm and wild series.
// The ensemble score is ratio/(1+ratio) in [0,1), where ratio is the largest
// detector value over its alarm level: 0.5 is the alarm threshold.
// `flag` marks the onset of an anomalous episode: after a flag the detector
// stays quiet for `refractory` points (one alert per incident). The longer a
// series has been quiet, the lower the bar: the alarm level relaxes from 1 to
// quietFloor (0.85) over ~quietTau points and returns to 1 at each alarm, so a
// calm series gets attention sooner and a chatty one is held to its record.
import { Cusum } from './cusum.js';
import { RollingWindow } from './rolling-window.js';
import { SeasonalProfile, type SeasonalOptions } from './seasonality.js';
import { TransitionSurprise } from './sequence.js';
import { TailCalibrator } from './tail-calibrator.js';

export interface DetectorConfig {
  /** Points in the rolling median/MAD window. */
  readonly window: number;
  /** Points before any score is given; the calibrators learn from the point the window is full, so keep it above `window`. */
  readonly warmup: number;
  /** CUSUM allowance in robust sigmas. */
  readonly cusumK: number;
  /** z-scores are clipped to ±zClip before feeding CUSUM and the spread estimate. */
  readonly zClip: number;
  /** EWMA weight of the spread (short-term mean of z²). */
  readonly spreadAlpha: number;
  /** How many points the calibrators remember (exponential forgetting). */
  readonly calibrationMemory: number;
  /** The series' own quantile of each detector that an alarm is measured against. */
  readonly tailQuantile: number;
  /** An alarm needs a detector value above margin × that quantile, above its own rarer `peakQuantile` ... */
  readonly margin: number;
  readonly peakQuantile: number;
  /** ... and above these absolute floors. */
  readonly minSpike: number;
  readonly minExtreme: number;
  readonly minShift: number;
  readonly minSpread: number;
  readonly minSequence: number;
  /** Rank levels of the transition model (its table is levels² counters) and the EWMA weight of its surprise. */
  readonly seqLevels: number;
  readonly seqAlpha: number;
  /** Points over which the all-history high/low envelope relaxes back toward the median (0: off). */
  readonly envTau: number;
  /** The alarm level relaxes from 1 toward quietFloor while no alarm is raised, over ~quietTau points; an alarm resets it. */
  readonly quietFloor: number;
  readonly quietTau: number;
  /** Points of silence after a flag. */
  readonly refractory: number;
  /** Seasonal periods to test, in ms, with their bin counts. */
  readonly seasons: readonly SeasonalOptions[];
}

/** The one configuration used for every series (and for the NAB figures). */
export const DEFAULT_DETECTOR_CONFIG: DetectorConfig = {
  window: 128,
  warmup: 192,
  cusumK: 0.5,
  zClip: 4,
  spreadAlpha: 0.1,
  calibrationMemory: 10_000,
  tailQuantile: 0.99,
  margin: 1.2,
  peakQuantile: 0.999,
  minSpike: 5,
  minExtreme: 0.2,
  minShift: 8,
  minSpread: 2.5,
  minSequence: 3,
  seqLevels: 16,
  seqAlpha: 0.1,
  envTau: 8000,
  quietFloor: 0.85,
  quietTau: 4000,
  refractory: 100,
  seasons: [
    { periodMs: 86_400_000, bins: 48 },
    { periodMs: 7 * 86_400_000, bins: 168 },
  ],
};

export type Detector = 'spike' | 'extreme' | 'shift' | 'spread' | 'sequence' | 'none';

export interface AnomalyPoint {
  /** Ensemble score in [0,1); ≥ 0.5 is anomalous. */
  readonly score: number;
  /** True at the onset of an anomalous episode. */
  readonly flag: boolean;
  /** The detector that drove the score. */
  readonly by: Detector;
}

const NONE: AnomalyPoint = { score: 0, flag: false, by: 'none' };

export class AnomalyDetector {
  readonly config: DetectorConfig;
  private readonly win: RollingWindow;
  private readonly seasons: SeasonalProfile[];
  private readonly cusum: Cusum;
  private readonly cal: TailCalibrator[];
  private readonly seq: TransitionSurprise;
  private spread2 = 1;
  private alarmLevel = 1;
  private envHi = Number.NaN;
  private envLo = Number.NaN;
  private seen = 0;
  private sinceFlag = Number.POSITIVE_INFINITY;
  private lastT = Number.NEGATIVE_INFINITY;

  constructor(config: Partial<DetectorConfig> = {}) {
    this.config = { ...DEFAULT_DETECTOR_CONFIG, ...config };
    const c = this.config;
    this.win = new RollingWindow(c.window);
    this.seasons = c.seasons.map((s) => new SeasonalProfile(s));
    this.cusum = new Cusum(c.cusumK);
    this.cal = [0, 1, 2, 3, 4, 5].map(() => new TailCalibrator(c.calibrationMemory));
    this.seq = new TransitionSurprise(c.seqLevels, c.seqAlpha);
  }

  /** Bytes of state kept for the series (typed arrays plus fixed fields). */
  get bytes(): number {
    let b = this.win.bytes + 104; // scalar fields, the CUSUM, the envelope, the alarm level
    for (const k of this.cal) b += k.bytes;
    b += this.seq.bytes;
    for (const s of this.seasons) b += s.bytes;
    return b;
  }

  /** The detected seasonal period in ms, or 0 when none is active. */
  seasonality(t = this.lastT): number {
    return this.activeSeason(t)?.periodMs ?? 0;
  }

  private activeSeason(t: number): SeasonalProfile | undefined {
    let best: SeasonalProfile | undefined;
    for (const s of this.seasons) if (s.active(t) && (!best || s.strength > best.strength)) best = s;
    return best;
  }

  /** Scores the point (t ms, x), then learns it. Non-finite values and repeated times score 0 and are skipped. */
  update(t: number, x: number): AnomalyPoint {
    if (!Number.isFinite(x) || t <= this.lastT) return NONE;
    this.lastT = t;
    const c = this.config;
    const win = this.win;
    this.sinceFlag++;
    if (win.size < 8) {
      win.push(x);
      for (const s of this.seasons) s.learn(t, x, 0);
      this.seen++;
      return NONE;
    }
    const med = win.median();
    const scale = this.scale(med);
    let z = (x - med) / scale;
    let seasonal = false;
    const season = this.activeSeason(t);
    if (season) {
      const r = season.residual(t, x);
      if (!Number.isNaN(r)) {
        z = r / Math.max(1.25 * season.deviation(t), scale * 0.05, 1e-12);
        seasonal = true;
      }
    }
    const zc = Math.min(c.zClip, Math.max(z, -c.zClip));
    let hi = win.quantile(1);
    let lo = win.quantile(0);
    if (c.envTau > 0) {
      if (Number.isNaN(this.envHi)) {
        this.envHi = hi;
        this.envLo = lo;
      }
      hi = Math.max(hi, this.envHi);
      lo = Math.min(lo, this.envLo);
      const f = 1 - 1 / c.envTau;
      this.envHi = Math.max(x, med + (this.envHi - med) * f);
      this.envLo = Math.min(x, med + (this.envLo - med) * f);
    }
    // Detector values, in the order of `this.cal`.
    const spike = Math.abs(z);
    const extreme =
      x > hi ? (x - hi) / Math.max(hi - med, scale) : x < lo ? (lo - x) / Math.max(med - lo, scale) : 0;
    const shift = this.cusum.update(zc);
    this.spread2 += c.spreadAlpha * (zc * zc - this.spread2);
    const spread = Math.sqrt(this.spread2);
    const surprise = this.seq.update(win.rank(x));

    let out = NONE;
    if (this.seen >= c.warmup) {
      const [kSpike, kExtreme, kShift, kSpread, kSeq] = this.cal;
      const level = (k: TailCalibrator, floor: number) =>
        Math.max(floor, c.margin * k.quantile(c.tailQuantile), k.quantile(c.peakQuantile));
      // A seasonal z has its own history: until it has enough of it to place its peak quantile
      // (twice 1/(1-q) points), the plain z's history stands in.
      const kSeasonal = this.cal[5];
      const spikeCal = seasonal && kSeasonal.mass * (1 - c.peakQuantile) >= 2 ? kSeasonal : kSpike;
      let ratio = spike / level(spikeCal, c.minSpike);
      let by: Detector = 'spike';
      const rExtreme = extreme / level(kExtreme, c.minExtreme);
      if (rExtreme > ratio) [ratio, by] = [rExtreme, 'extreme'];
      const rShift = shift / level(kShift, c.minShift);
      if (rShift > ratio) [ratio, by] = [rShift, 'shift'];
      const rSpread = spread / level(kSpread, c.minSpread);
      if (rSpread > ratio) [ratio, by] = [rSpread, 'spread'];
      const rSeq = surprise / level(kSeq, c.minSequence);
      if (rSeq > ratio) [ratio, by] = [rSeq, 'sequence'];
      this.alarmLevel = c.quietFloor + (this.alarmLevel - c.quietFloor) * (1 - 1 / c.quietTau);
      ratio /= this.alarmLevel;
      const flag = ratio >= 1 && this.sinceFlag > c.refractory;
      if (flag) {
        this.alarmLevel = 1;
        this.sinceFlag = 0;
        this.cusum.reset();
      }
      out = { score: ratio / (1 + ratio), flag, by };
    }
    // Until the window is full its median and scale are estimates from a few points, and the detector
    // values they give are inflated; learning them would set this series' alarm levels too high for good.
    if (win.size >= c.window) {
      this.cal[seasonal ? 5 : 0].add(spike);
      this.cal[1].add(extreme);
      this.cal[2].add(shift);
      this.cal[3].add(spread);
      this.cal[4].add(surprise);
    }
    win.push(x);
    for (const s of this.seasons) s.learn(t, x, x - med);
    this.seen++;
    return out;
  }

  /**
   * Robust scale: 1.4826·MAD, widened to half the inter-decile sigma for
   * flat-topped windows; for a window that is constant but for rare spikes,
   * the mean absolute deviation; never 0.
   */
  private scale(med: number): number {
    const w = this.win;
    const mad = 1.4826 * w.mad(med);
    const idr = (w.quantile(0.9) - w.quantile(0.1)) / 2.563;
    const robust = Math.max(mad, idr * 0.5);
    // A window that is one value but for rare spikes: a small share of the spikes' mean size keeps z
    // finite, so the calibrator can learn how large this series' spikes usually are.
    const sparse = robust > 0 ? 0 : 0.05 * w.meanAbsDev(med);
    return Math.max(robust, sparse, Math.abs(med) * 1e-6, 1e-12);
  }
}
