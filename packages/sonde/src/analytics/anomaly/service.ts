// Continuous anomaly scoring of stored series: every tick, the samples
// appended since the last tick are fed to one AnomalyDetector per series
// (≈4 KiB each, capped by maxSeries), and the latest score is written back as
// `sonde_anomaly_score{metric="<original name>", ...original labels}` at the
// sample's time, together with the anomaly rate — the share of a host's
// (instance) or app's (job) series anomalous right now — as
// `sonde_anomaly_rate{instance=...}` / `sonde_anomaly_rate{job=...}`.
import { labelsKey } from '../../storage/labels.js';
import type { Labels, Matcher, Storage } from '../../storage/types.js';
import { AnomalyDetector, type DetectorConfig } from './ensemble.js';

export const SCORE_METRIC = 'sonde_anomaly_score';
export const RATE_METRIC = 'sonde_anomaly_rate';

export interface AnomalyServiceOptions {
  readonly storage: Storage;
  /** How often to score (default 10 s). */
  readonly intervalMs?: number;
  /** Which series to score (default every series except sonde_anomaly_*). */
  readonly matchers?: readonly Matcher[];
  /** At most this many detectors; series beyond are skipped and counted (default 100,000 ≈ 400 MB). */
  readonly maxSeries?: number;
  /** A detector whose series sent nothing for this long is dropped (default 1 h). */
  readonly idleMs?: number;
  /** How far back the first tick reads (default 1 h), so detectors start warm. */
  readonly backfillMs?: number;
  readonly config?: Partial<DetectorConfig>;
  readonly now?: () => number;
  readonly onError?: (err: unknown) => void;
}

export interface TickStats {
  readonly series: number;
  readonly points: number;
  readonly anomalous: number;
  readonly skipped: number;
}

interface Tracked {
  readonly det: AnomalyDetector;
  readonly labels: Labels;
  lastT: number;
  score: number;
}

function scoreLabels(labels: Labels): Labels {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (k !== '__name__') out[k] = v;
  out[labels.metric === undefined ? 'metric' : 'original_metric'] = labels.__name__ ?? '';
  out.__name__ = SCORE_METRIC;
  return out;
}

export class AnomalyService {
  private readonly tracked = new Map<string, Tracked>();
  private readonly o: AnomalyServiceOptions;
  private readonly now: () => number;
  private lastRun = Number.NaN;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<TickStats> | undefined;

  constructor(o: AnomalyServiceOptions) {
    this.o = o;
    this.now = o.now ?? Date.now;
  }

  get seriesTracked(): number {
    return this.tracked.size;
  }

  /** Bytes of detector state held now. */
  get stateBytes(): number {
    let b = 0;
    for (const t of this.tracked.values()) b += t.det.bytes;
    return b;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (!this.running)
        this.running = this.tick()
          .catch((err) => {
            this.o.onError?.(err);
            return { series: 0, points: 0, anomalous: 0, skipped: 0 };
          })
          .finally(() => {
            this.running = undefined;
          });
    }, this.o.intervalMs ?? 10_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Scores everything appended since the last tick and writes the scores and rates. */
  async tick(): Promise<TickStats> {
    const now = this.now();
    const from = Number.isNaN(this.lastRun) ? now - (this.o.backfillMs ?? 3_600_000) : this.lastRun + 1;
    const matchers = this.o.matchers ?? [{ type: '=~', name: '__name__', value: '.+' }];
    const maxSeries = this.o.maxSeries ?? 100_000;
    const q = this.o.storage.querier();
    const app = this.o.storage.appender();
    let points = 0;
    let skipped = 0;
    let seen = 0;
    try {
      for (const s of q.select(matchers, from, now)) {
        const name = s.labels.__name__ ?? '';
        if (name.startsWith('sonde_anomaly_')) continue;
        const key = labelsKey(s.labels);
        let tr = this.tracked.get(key);
        if (!tr) {
          if (this.tracked.size >= maxSeries) {
            skipped++;
            continue;
          }
          tr = {
            det: new AnomalyDetector(this.o.config),
            labels: s.labels,
            lastT: Number.NEGATIVE_INFINITY,
            score: 0,
          };
          this.tracked.set(key, tr);
        }
        seen++;
        let lastScored = Number.NaN;
        for (let i = 0; i < s.t.length; i++) {
          if (s.t[i] <= tr.lastT || !Number.isFinite(s.v[i])) continue;
          tr.score = tr.det.update(s.t[i], s.v[i]).score;
          tr.lastT = s.t[i];
          lastScored = s.t[i];
          points++;
        }
        if (!Number.isNaN(lastScored)) app.append(scoreLabels(s.labels), lastScored, tr.score);
      }
    } finally {
      q.close();
    }
    const idle = this.o.idleMs ?? 3_600_000;
    const groups = new Map<string, { labels: Labels; n: number; bad: number }>();
    let anomalous = 0;
    for (const [key, tr] of this.tracked) {
      if (now - tr.lastT > idle) {
        this.tracked.delete(key);
        continue;
      }
      const bad = tr.score >= 0.5 ? 1 : 0;
      anomalous += bad;
      for (const by of ['instance', 'job']) {
        const v = tr.labels[by];
        if (!v) continue;
        const gk = `${by}\u0000${v}`;
        const g = groups.get(gk) ?? { labels: { __name__: RATE_METRIC, [by]: v }, n: 0, bad: 0 };
        g.n++;
        g.bad += bad;
        groups.set(gk, g);
      }
    }
    for (const g of groups.values()) app.append(g.labels, now, g.bad / g.n);
    await app.commit();
    this.lastRun = now;
    return { series: seen, points, anomalous, skipped };
  }
}
