// "What changed?": given an incident window, rank every series by how much
// its distribution in the window differs from the window of equal length
// just before it (KS statistic), so the likely causes come first. The
// medians before/after say which way each moved.
import type { Labels } from '../../storage/types.js';
import { quantile } from '../stats/summary.js';
import { ksTwoSample } from './ks.js';

export interface SeriesColumns {
  readonly labels: Labels;
  readonly t: ArrayLike<number>;
  readonly v: ArrayLike<number>;
}

export interface Change {
  readonly labels: Labels;
  readonly d: number;
  readonly p: number;
  readonly medianBefore: number;
  readonly medianDuring: number;
  readonly samplesBefore: number;
  readonly samplesDuring: number;
}

export interface ChangeOptions {
  /** Series with fewer samples than this on either side are skipped (default 5). */
  readonly minSamples?: number;
  /** Keep at most this many (default 50). */
  readonly limit?: number;
}

/** Ranks series by KS D of [start, end] against [start − (end − start), start). */
export function rankChanges(
  series: readonly SeriesColumns[],
  start: number,
  end: number,
  o: ChangeOptions = {},
): Change[] {
  const minSamples = o.minSamples ?? 5;
  const before0 = start - (end - start);
  const out: Change[] = [];
  for (const s of series) {
    const before: number[] = [];
    const during: number[] = [];
    for (let i = 0; i < s.t.length; i++) {
      const t = s.t[i];
      const v = s.v[i];
      if (!Number.isFinite(v)) continue;
      if (t >= before0 && t < start) before.push(v);
      else if (t >= start && t <= end) during.push(v);
    }
    if (before.length < minSamples || during.length < minSamples) continue;
    const ks = ksTwoSample(before, during);
    out.push({
      labels: s.labels,
      d: ks.d,
      p: ks.p,
      medianBefore: quantile(before, 0.5),
      medianDuring: quantile(during, 0.5),
      samplesBefore: before.length,
      samplesDuring: during.length,
    });
  }
  out.sort((a, b) => b.d - a.d || a.p - b.p);
  return out.slice(0, o.limit ?? 50);
}
