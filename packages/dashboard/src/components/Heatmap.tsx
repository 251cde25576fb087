// A latency heatmap from a histogram: time across, latency buckets up, the
// colour of each cell the share of that interval's requests in that bucket.
import { useEffect, useRef } from 'preact/hooks';
import { api } from '../api/client';
import { useApi } from '../lib/data';
import { formatDateTime, formatValue } from '../lib/format';
import { cssVar } from '../lib/theme';
import { deCumulate } from '../lib/heat';
import { Empty, ErrorState, Loading } from './states';

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
    // A gutter on the left names each bucket's upper bound.
    const dpr = devicePixelRatio;
    const gutter = 58 * dpr;
    const cw = (w - gutter) / cells.times.length;
    const ch = h / nb;
    ctx.font = `${10.5 * dpr}px system-ui`;
    ctx.fillStyle = cssVar('--text-2');
    ctx.textBaseline = 'middle';
    const every = Math.max(1, Math.ceil((14 * dpr) / ch));
    for (let b = 0; b < nb; b += every)
      ctx.fillText(`≤ ${formatValue(cells.les[b], 'seconds')}`, 0, h - (b + 0.5) * ch);
    for (let t = 0; t < cells.times.length; t++) {
      const total = cells.counts[t].reduce((a, b) => a + b, 0);
      if (!total) continue;
      for (let b = 0; b < nb; b++) {
        const share = cells.counts[t][b] / total;
        if (!share) continue;
        ctx.fillStyle = `hsla(${170 - 150 * Math.sqrt(share)}, 80%, 50%, ${0.15 + 0.85 * Math.sqrt(share)})`;
        ctx.fillRect(gutter + t * cw, h - (b + 1) * ch, Math.ceil(cw), Math.ceil(ch));
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
        <span class="muted">brighter: more of the requests</span>
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
