// A latency heatmap from a histogram: time across, latency buckets up, the
// colour of each cell the share of that interval's requests in that bucket.
import { useEffect, useRef } from 'preact/hooks';
import { api } from '../api/client';
import { useApi } from '../lib/data';
import { formatDateTime, formatValue } from '../lib/format';
import { Empty, ErrorState, Loading } from './states';

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

export function Heatmap(props: { metric: string; sel: string; windowMs: number; end?: number }) {
  const step = Math.max(10_000, Math.ceil(props.windowMs / 120 / 1000) * 1000);
  const q = `sum by (le) (increase(${props.metric}_bucket{${props.sel}}[${step / 1000}s]))`;
  const { result } = useApi(
    (s) => {
      const end = props.end ?? Date.now();
      return api.queryRange(q, end - props.windowMs, end, step, s);
    },
    [q, props.windowMs, props.end],
    30_000,
  );
  const canvas = useRef<HTMLCanvasElement>(null);
  const cells =
    result?.ok && result.data.resultType === 'matrix'
      ? deCumulate(
          result.data.result.map((s) => ({
            le: Number(s.metric.le === '+Inf' ? Infinity : s.metric.le),
            values: s.values,
          })),
        )
      : null;
  useEffect(() => {
    const c = canvas.current;
    if (!c || !cells || !cells.times.length) return;
    const w = (c.width = c.clientWidth * devicePixelRatio);
    const h = (c.height = c.clientHeight * devicePixelRatio);
    const ctx = c.getContext('2d')!;
    ctx.clearRect(0, 0, w, h);
    const nb = cells.les.length;
    const cw = w / cells.times.length;
    const ch = h / nb;
    for (let t = 0; t < cells.times.length; t++) {
      const total = cells.counts[t].reduce((a, b) => a + b, 0);
      if (!total) continue;
      for (let b = 0; b < nb; b++) {
        const share = cells.counts[t][b] / total;
        if (!share) continue;
        ctx.fillStyle = `hsla(${170 - 150 * Math.sqrt(share)}, 80%, 50%, ${0.15 + 0.85 * Math.sqrt(share)})`;
        ctx.fillRect(t * cw, h - (b + 1) * ch, Math.ceil(cw), Math.ceil(ch));
      }
    }
  });
  if (!result) return <Loading />;
  if (!result.ok) return <ErrorState error={result.error} />;
  if (!cells || !cells.times.length) return <Empty>No histogram buckets for this route in the window.</Empty>;
  const busiest = cells.counts.map((row) => cells.les[row.indexOf(Math.max(...row))]);
  const typical = busiest.filter((x) => x !== undefined).sort((a, b) => a - b)[
    Math.floor(busiest.length / 2)
  ];
  return (
    <figure class="chart" aria-label="Latency heatmap">
      <figcaption class="chart-head">
        <span class="chart-title">Latency heatmap</span>
        <span class="muted">
          {formatValue(cells.les[0], 'seconds')} (bottom) to{' '}
          {formatValue(cells.les[cells.les.length - 1], 'seconds')} (top)
        </span>
      </figcaption>
      <canvas
        class="heatmap"
        ref={canvas}
        role="img"
        aria-label={`Latency distribution since ${formatDateTime(cells.times[0] * 1000)}: most requests fall in the bucket up to ${formatValue(typical, 'seconds')}.`}
      />
    </figure>
  );
}
