// Mann–Whitney U test (two-sided), with the tie correction of the variance
// and a continuity correction, by the normal approximation — fine from about
// 8 values per side, which any metric window has. O((n+m) log(n+m)).
import { twoSidedP } from './normal.js';

export interface MannWhitney {
  /** U of the first sample. */
  readonly u: number;
  readonly z: number;
  readonly p: number;
  /** P(X > Y) + P(X = Y)/2: 0.5 means no shift (the common-language effect size). */
  readonly probabilityGreater: number;
}

export function mannWhitney(x: ArrayLike<number>, y: ArrayLike<number>): MannWhitney {
  const n1 = x.length;
  const n2 = y.length;
  const n = n1 + n2;
  if (n1 === 0 || n2 === 0)
    return { u: Number.NaN, z: Number.NaN, p: Number.NaN, probabilityGreater: Number.NaN };
  const all = new Float64Array(n);
  const from = new Uint8Array(n);
  const idx = new Uint32Array(n);
  for (let i = 0; i < n1; i++) all[i] = x[i];
  for (let i = 0; i < n2; i++) {
    all[n1 + i] = y[i];
    from[n1 + i] = 1;
  }
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => all[a] - all[b]);
  let r1 = 0;
  let tie = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && all[idx[j + 1]] === all[idx[i]]) j++;
    const rank = (i + j) / 2 + 1;
    const t = j - i + 1;
    if (t > 1) tie += t * t * t - t;
    for (let k = i; k <= j; k++) if (from[idx[k]] === 0) r1 += rank;
    i = j + 1;
  }
  const u = r1 - (n1 * (n1 + 1)) / 2;
  const mu = (n1 * n2) / 2;
  const sigma2 = ((n1 * n2) / 12) * (n + 1 - tie / (n * (n - 1)));
  const d = u - mu;
  const z = sigma2 > 0 ? (d - Math.sign(d) * 0.5) / Math.sqrt(sigma2) : 0;
  return { u, z, p: sigma2 > 0 ? twoSidedP(z) : 1, probabilityGreater: u / (n1 * n2) };
}
