// The health score, 0–100, and its grade. Documented formula:
//   apdex      = (satisfied + tolerating/2) / requests, satisfied ≤ T, tolerating ≤ 4T
//   errors     = max(0, 1 − errorRate / 5%)            (5% or more 5xx scores 0)
//   saturation = 1 − max(0, (pressure − 70%) / 30%)     (USE pressure; up to 70% is fine)
//   score      = 100 × (0.5·apdex + 0.3·errors + 0.2·saturation)
// A part without data is left out and the weights of the others rescaled;
// every part is returned with its value, weight and the evidence behind it.
import type { Bottlenecks } from '../system/use.js';
import type { LatencyDistribution } from './latency.js';

export type Grade = 'A+' | 'A' | 'B+' | 'B' | 'C+' | 'C' | 'D' | 'F';

export interface HealthPart {
  readonly name: 'apdex' | 'errors' | 'saturation';
  /** 0..1, null when there was no data. */
  readonly value: number | null;
  /** The weight it was given after rescaling (0 when absent). */
  readonly weight: number;
  /** Its contribution to the score, in points. */
  readonly points: number;
  readonly evidence: string;
}

export interface Health {
  /** 0..100, null when no part had data. */
  readonly score: number | null;
  readonly grade: Grade | null;
  readonly parts: readonly HealthPart[];
  readonly formula: string;
}

export const HEALTH_FORMULA =
  'score = 100 × (0.5·apdex + 0.3·max(0, 1 − errorRate/5%) + 0.2·(1 − max(0, (pressure − 70%)/30%))); absent parts are dropped and the weights rescaled';

export function gradeOf(score: number): Grade {
  if (score >= 95) return 'A+';
  if (score >= 90) return 'A';
  if (score >= 85) return 'B+';
  if (score >= 80) return 'B';
  if (score >= 75) return 'C+';
  if (score >= 70) return 'C';
  if (score >= 60) return 'D';
  return 'F';
}

export interface HealthInput {
  /** Latency of all requests in the window, seconds. */
  readonly latency: LatencyDistribution | null;
  /** Apdex threshold T in seconds (default 0.5). */
  readonly apdexT?: number;
  readonly requests: number;
  readonly errors: number;
  readonly bottlenecks: Bottlenecks | null;
}

export function healthScore(input: HealthInput): Health {
  const T = input.apdexT ?? 0.5;
  const lat = input.latency;
  let apdex: number | null = null;
  let apdexWhy = 'no request-latency histogram in the window';
  if (lat && lat.count > 0) {
    const sat = lat.fractionBelow(T);
    const tol = lat.fractionBelow(4 * T) - sat;
    apdex = Math.min(1, Math.max(0, sat + tol / 2));
    apdexWhy = `Apdex(T=${T * 1000} ms) over ${Math.round(lat.count)} requests: ${(sat * 100).toFixed(1)}% satisfied, ${(tol * 100).toFixed(1)}% tolerating`;
  }
  let errors: number | null = null;
  let errorsWhy = 'no request counts with status codes in the window';
  if (input.requests > 0) {
    const rate = input.errors / input.requests;
    errors = Math.max(0, 1 - rate / 0.05);
    errorsWhy = `${Math.round(input.errors)} of ${Math.round(input.requests)} requests failed with 5xx (${(rate * 100).toFixed(2)}%)`;
  }
  let saturation: number | null = null;
  let satWhy = 'no resource metrics in the window';
  const top = input.bottlenecks?.resources[0];
  if (top) {
    // Clamped: 1 − (1 − 0.7)/0.3 is −2e-16 in floating point, which would print as −0.
    saturation = Math.min(1, Math.max(0, 1 - (top.pressure - 0.7) / 0.3));
    satWhy = `most pressed resource: ${top.resource} at ${(top.pressure * 100).toFixed(1)}%`;
  }
  const raw: [HealthPart['name'], number | null, number, string][] = [
    ['apdex', apdex, 0.5, apdexWhy],
    ['errors', errors, 0.3, errorsWhy],
    ['saturation', saturation, 0.2, satWhy],
  ];
  const totalWeight = raw.reduce((a, [, v, w]) => a + (v === null ? 0 : w), 0);
  const parts: HealthPart[] = raw.map(([name, value, w, evidence]) => {
    const weight = value === null || totalWeight === 0 ? 0 : w / totalWeight;
    return { name, value, weight, points: value === null ? 0 : 100 * weight * value, evidence };
  });
  if (totalWeight === 0) return { score: null, grade: null, parts, formula: HEALTH_FORMULA };
  const score = Math.min(
    100,
    Math.max(
      0,
      parts.reduce((a, p) => a + p.points, 0),
    ),
  );
  return { score, grade: gradeOf(score), parts, formula: HEALTH_FORMULA };
}
