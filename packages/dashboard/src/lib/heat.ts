// Latency heatmap cells from cumulative `le` histogram buckets.

export interface HeatCells {
  times: number[];
  /** Upper bounds of the finite buckets, ascending. */
  les: number[];
  /** counts[t][b]: requests in bucket b (not cumulative) during interval t. */
  counts: number[][];
}

/** Turns cumulative `le` bucket series into per-bucket counts per time step. */
export function deCumulate(series: { le: number; values: [number, string][] }[]): HeatCells {
  const finite = series.filter((s) => Number.isFinite(s.le)).sort((a, b) => a.le - b.le);
  const timeSet = new Set<number>();
  for (const s of finite) for (const [t] of s.values) timeSet.add(t);
  const times = [...timeSet].sort((a, b) => a - b);
  const idx = new Map(times.map((t, i) => [t, i]));
  const cum = finite.map((s) => {
    const row = new Array<number>(times.length).fill(0);
    for (const [t, v] of s.values) row[idx.get(t)!] = Number(v) || 0;
    return row;
  });
  const counts = times.map((_, ti) =>
    finite.map((_, b) => Math.max(0, cum[b][ti] - (b ? cum[b - 1][ti] : 0))),
  );
  return { times, les: finite.map((s) => s.le), counts };
}
