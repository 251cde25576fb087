// The detector over a whole series at once: what `sonde detect`, the API and
// the PromQL extension `anomaly_score(v)` use. Still causal: point i's score
// depends on points 0..i only.
import { AnomalyDetector, type DetectorConfig } from './ensemble.js';

export interface SeriesScores {
  /** Per-point score in [0,1); NaN input points score 0. */
  readonly score: Float64Array;
  /** 1 at the onset of each anomalous episode. */
  readonly flag: Uint8Array;
  /** Detected seasonal period in ms at the end of the series (0: none). */
  readonly seasonalityMs: number;
}

export function scoreSeries(
  t: Float64Array,
  v: Float64Array,
  config?: Partial<DetectorConfig>,
): SeriesScores {
  const d = new AnomalyDetector(config);
  const n = Math.min(t.length, v.length);
  const score = new Float64Array(n);
  const flag = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = d.update(t[i], v[i]);
    score[i] = p.score;
    flag[i] = p.flag ? 1 : 0;
  }
  return { score, flag, seasonalityMs: d.seasonality() };
}

/** The anomaly score of the last point of the series (PromQL `anomaly_score`). */
export function anomalyScore(t: Float64Array, v: Float64Array, config?: Partial<DetectorConfig>): number {
  const { score } = scoreSeries(t, v, config);
  return score.length ? score[score.length - 1] : Number.NaN;
}
