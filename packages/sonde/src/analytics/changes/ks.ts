// Two-sample Kolmogorov–Smirnov: D is the largest gap between the two
// empirical CDFs (0: same distribution, 1: disjoint), the p-value from the
// asymptotic Kolmogorov distribution with the Stephens small-sample factor.
import { sortedFinite } from '../stats/summary.js';

export interface KsResult {
  readonly d: number;
  readonly p: number;
  readonly n1: number;
  readonly n2: number;
}

/** Q_KS(λ) = 2 Σ (-1)^(k-1) e^(-2k²λ²). */
function kolmogorovQ(lambda: number): number {
  if (lambda < 0.2) return 1;
  let sum = 0;
  let sign = 1;
  for (let k = 1; k <= 100; k++) {
    const term = sign * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-12) break;
    sign = -sign;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const x = sortedFinite(a);
  const y = sortedFinite(b);
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) return { d: Number.NaN, p: Number.NaN, n1, n2 };
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n1 && j < n2) {
    const v = Math.min(x[i], y[j]);
    while (i < n1 && x[i] === v) i++;
    while (j < n2 && y[j] === v) j++;
    d = Math.max(d, Math.abs(i / n1 - j / n2));
  }
  const ne = Math.sqrt((n1 * n2) / (n1 + n2));
  return { d, p: kolmogorovQ((ne + 0.12 + 0.11 / ne) * d), n1, n2 };
}
