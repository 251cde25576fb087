// Bucket generators (prom-client compatible) and the defaults.

export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function linearBuckets(start: number, width: number, count: number): number[] {
  if (!(count >= 1)) throw new TypeError('linearBuckets needs a positive count');
  if (!(width > 0)) throw new TypeError('linearBuckets needs a positive width');
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(start + i * width);
  return out;
}

export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  if (!(start > 0)) throw new TypeError('exponentialBuckets needs a positive start');
  if (!(factor > 1)) throw new TypeError('exponentialBuckets needs a factor > 1');
  if (!(count >= 1)) throw new TypeError('exponentialBuckets needs a positive count');
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(start * factor ** i);
  return out;
}

/** Checks and sorts classic bucket bounds; +Inf is implied and dropped if given. */
export function normalizeBuckets(metric: string, buckets: unknown): number[] {
  if (buckets === undefined) return [...DEFAULT_BUCKETS];
  if (!Array.isArray(buckets)) throw new TypeError(`metric "${metric}": buckets must be an array of numbers`);
  const out: number[] = [];
  for (const b of buckets) {
    if (typeof b !== 'number' || Number.isNaN(b)) {
      throw new TypeError(`metric "${metric}": bucket bound ${String(b)} is not a number`);
    }
    if (b !== Number.POSITIVE_INFINITY) out.push(b);
  }
  out.sort((a, b) => a - b);
  for (let i = 1; i < out.length; i++) {
    if (out[i] === out[i - 1])
      throw new TypeError(`metric "${metric}": bucket bound ${out[i]} is listed twice`);
  }
  return out;
}
