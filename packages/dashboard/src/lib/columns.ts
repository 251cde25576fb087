// A chart's data, columnar and appended in place: one Float64Array of times
// (seconds, as uPlot wants) and one per series, sharing capacity that grows
// by doubling. uPlot gets subarray views, so a live tick costs one row write
// and no per-point objects. NaN marks "no value at this time".

export interface ColumnSeries {
  readonly key: string;
  readonly labels: Record<string, string>;
}

export class Columns {
  x: Float64Array;
  ys: Float64Array[] = [];
  series: ColumnSeries[] = [];
  length = 0;
  private readonly index = new Map<string, number>();

  constructor(capacity = 256) {
    this.x = new Float64Array(capacity);
  }

  get capacity(): number {
    return this.x.length;
  }

  /** Column index for a series, adding an all-NaN column the first time. */
  column(key: string, labels: Record<string, string>): number {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.series.length;
      this.index.set(key, i);
      this.series.push({ key, labels });
      const col = new Float64Array(this.capacity).fill(Number.NaN);
      this.ys.push(col);
    }
    return i;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  private grow(min: number): void {
    let cap = this.capacity;
    while (cap < min) cap *= 2;
    if (cap === this.capacity) return;
    const x = new Float64Array(cap);
    x.set(this.x.subarray(0, this.length));
    this.x = x;
    this.ys = this.ys.map((old) => {
      const col = new Float64Array(cap).fill(Number.NaN);
      col.set(old.subarray(0, this.length));
      return col;
    });
  }

  /**
   * Row index for time `tSec`: the last row when equal, a new row at the end
   * when later, and an inserted row when earlier (a gap fill arriving late).
   */
  row(tSec: number): number {
    const n = this.length;
    if (n > 0 && this.x[n - 1] === tSec) return n - 1;
    if (n === 0 || this.x[n - 1] < tSec) {
      this.grow(n + 1);
      this.x[n] = tSec;
      for (const col of this.ys) col[n] = Number.NaN;
      this.length = n + 1;
      return n;
    }
    // Binary search for the first row with x >= tSec.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.x[mid] < tSec) lo = mid + 1;
      else hi = mid;
    }
    if (this.x[lo] === tSec) return lo;
    this.grow(n + 1);
    this.x.copyWithin(lo + 1, lo, n);
    this.x[lo] = tSec;
    for (const col of this.ys) {
      col.copyWithin(lo + 1, lo, n);
      col[lo] = Number.NaN;
    }
    this.length = n + 1;
    return lo;
  }

  set(tSec: number, column: number, v: number): void {
    const r = this.row(tSec); // may grow, replacing the arrays
    this.ys[column][r] = v;
  }

  /** Drops rows older than `minSec`, moving the rest to the front in place. */
  trimBefore(minSec: number): void {
    let k = 0;
    while (k < this.length && this.x[k] < minSec) k++;
    if (k === 0) return;
    this.x.copyWithin(0, k, this.length);
    for (const col of this.ys) col.copyWithin(0, k, this.length);
    this.length -= k;
  }

  clear(): void {
    this.length = 0;
    this.ys = [];
    this.series = [];
    this.index.clear();
  }

  /** uPlot's AlignedData, as views over the live buffers. */
  view(): [Float64Array, ...Float64Array[]] {
    const n = this.length;
    return [this.x.subarray(0, n), ...this.ys.map((c) => c.subarray(0, n))];
  }

  /** Last finite value of a column, or NaN. */
  last(column: number): number {
    const col = this.ys[column];
    for (let i = this.length - 1; i >= 0; i--) if (!Number.isNaN(col[i])) return col[i];
    return Number.NaN;
  }

  /** Min, max, mean of a column's finite values. */
  stats(column: number): { min: number; max: number; mean: number; count: number } {
    const col = this.ys[column];
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let sum = 0;
    let count = 0;
    for (let i = 0; i < this.length; i++) {
      const v = col[i];
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      count++;
    }
    return count ? { min, max, mean: sum / count, count } : { min: NaN, max: NaN, mean: NaN, count: 0 };
  }
}

/** A Prometheus matrix result as columns. Values are strings in the API; "NaN" and "+Inf" parse. */
export function columnsFromMatrix(
  result: { metric: Record<string, string>; values: [number, string][] }[],
  keyOf: (labels: Record<string, string>) => string = labelKey,
): Columns {
  const total = result.reduce((n, s) => Math.max(n, s.values.length), 0);
  const c = new Columns(Math.max(64, total * 2));
  for (const s of result) {
    const col = c.column(keyOf(s.metric), s.metric);
    for (const [t, v] of s.values) c.set(t, col, parseValue(v));
  }
  return c;
}

export function parseValue(v: string | number | null): number {
  if (v === null) return Number.NaN;
  if (typeof v === 'number') return v;
  if (v === '+Inf') return Number.POSITIVE_INFINITY;
  if (v === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(v);
}

export function labelKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`)
    .join('\u0001');
}

/** CSV of the columns: time (ISO 8601) then one column per series. */
export function toCsv(c: Columns, names: readonly string[]): string {
  const esc = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [['time', ...names].map(esc).join(',')];
  for (let i = 0; i < c.length; i++) {
    const row = [new Date(c.x[i] * 1000).toISOString()];
    for (const col of c.ys) row.push(Number.isNaN(col[i]) ? '' : String(col[i]));
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}
