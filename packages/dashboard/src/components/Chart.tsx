// A time-series chart over uPlot. Data is a Columns instance (typed arrays
// appended in place); `version` tells the chart to redraw. Gives hover
// values, legend toggles, unit-formatted axes, CSV and PNG export, drag to
// zoom, and a text alternative (a summary and an optional data table).
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { type Columns, toCsv } from '../lib/columns';
import { type Unit, formatDateTime, formatTime, formatValue, seriesName } from '../lib/format';
import { PALETTE, cssVar, useTheme } from '../lib/theme';

export interface ChartProps {
  readonly title: string;
  readonly unit: Unit;
  readonly data: Columns;
  /** Bump to redraw after the data changed in place. */
  readonly version: number;
  readonly height?: number;
  /** Legend name of a series; defaults to its PromQL form. */
  readonly name?: (labels: Record<string, string>) => string;
  /** Called with the dragged range (ms); without it, dragging zooms the chart itself. */
  readonly onZoom?: (fromMs: number, toMs: number) => void;
  /** Fixed x range in ms (so an empty stretch shows as empty, not stretched). */
  readonly range?: readonly [number, number];
  readonly yMin?: number;
  readonly yMax?: number;
  readonly fill?: boolean;
  /** Extra controls in the chart's header. */
  readonly actions?: ComponentChildren;
}

const MAX_LEGEND = 24;

function download(name: string, blob: Blob): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

const fileName = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'chart';

export function Chart(props: ChartProps) {
  const { data, unit, title } = props;
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const theme = useTheme();
  const [hover, setHover] = useState<number | null>(null);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [showTable, setShowTable] = useState(false);
  const nameOf = props.name ?? seriesName;
  const seriesCount = data.series.length;
  const zoomRef = useRef(props.onZoom);
  zoomRef.current = props.onZoom;
  const rangeRef = useRef(props.range);
  rangeRef.current = props.range;

  // (Re)create the plot when its shape changes: series count, theme, unit.
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const text = cssVar('--text-2');
    const grid = cssVar('--grid');
    const fmt = (v: number) => formatValue(v, unit);
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: props.height ?? 180,
      pxAlign: 0,
      legend: { show: false },
      cursor: {
        drag: { x: true, y: false, setScale: !zoomRef.current },
        points: { size: 6 },
        focus: { prox: 16 },
      },
      focus: { alpha: 0.35 },
      scales: {
        x: {
          time: true,
          range: (_u, min, max) => {
            const r = rangeRef.current;
            return r ? [r[0] / 1000, r[1] / 1000] : [min, max];
          },
        },
        y: {
          range: (_u, min, max) => {
            const lo = props.yMin ?? (Number.isFinite(min) ? Math.min(0, min) : 0);
            let hi = props.yMax ?? (Number.isFinite(max) ? max : 1);
            if (hi <= lo) hi = lo + 1;
            return [lo, props.yMax ?? hi + (hi - lo) * 0.08];
          },
        },
      },
      axes: [
        {
          stroke: text,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid, width: 1 },
          font: '11px system-ui',
          values: (_u, splits, _ax, _space, incr) => splits.map((v) => timeTick(v * 1000, incr)),
        },
        {
          stroke: text,
          grid: { stroke: grid, width: 1 },
          ticks: { show: false },
          font: '11px system-ui',
          size: 64,
          values: (_u, splits) => splits.map(fmt),
        },
      ],
      series: [
        {},
        ...data.series.map((s, i) => {
          const color = PALETTE[i % PALETTE.length];
          return {
            label: nameOf(s.labels),
            stroke: color,
            width: 1.5,
            fill: props.fill && i === 0 ? `${color}26` : undefined,
            points: { show: false },
            show: !hidden.has(s.key),
          } satisfies uPlot.Series;
        }),
      ],
      hooks: {
        setCursor: [(u) => setHover(u.cursor.idx ?? null)],
        setSelect: [
          (u) => {
            const zoom = zoomRef.current;
            if (!zoom || u.select.width < 4) return;
            const from = u.posToVal(u.select.left, 'x') * 1000;
            const to = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            zoom(Math.round(from), Math.round(to));
          },
        ],
      },
    };
    const u = new uPlot(opts, data.view() as uPlot.AlignedData, el);
    plot.current = u;
    const ro = new ResizeObserver(() => {
      const w = el.clientWidth;
      if (w > 0 && Math.abs(w - u.width) > 1) u.setSize({ width: w, height: u.height });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Only shape changes recreate the plot; data changes go through setData below.
  }, [seriesCount, theme, unit, props.height, props.fill, props.yMin, props.yMax]);

  useEffect(() => {
    plot.current?.setData(data.view() as uPlot.AlignedData);
  }, [props.version, props.range?.[0], props.range?.[1]]);

  const toggle = (i: number) => {
    const key = data.series[i].key;
    const next = new Set(hidden);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    setHidden(next);
    plot.current?.setSeries(i + 1, { show: !next.has(key) });
  };

  const exportCsv = () =>
    download(
      `${fileName(title)}.csv`,
      new Blob(
        [
          toCsv(
            data,
            data.series.map((s) => nameOf(s.labels)),
          ),
        ],
        { type: 'text/csv' },
      ),
    );

  const exportPng = () => {
    const u = plot.current;
    if (!u) return;
    const src = u.ctx.canvas;
    const pad = 16 * devicePixelRatio;
    const out = document.createElement('canvas');
    out.width = src.width + pad * 2;
    out.height = src.height + pad * 3;
    const ctx = out.getContext('2d')!;
    ctx.fillStyle = cssVar('--panel');
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.fillStyle = cssVar('--text');
    ctx.font = `${14 * devicePixelRatio}px system-ui`;
    ctx.fillText(title, pad, pad * 1.6);
    ctx.drawImage(src, pad, pad * 2.4);
    out.toBlob((b) => b && download(`${fileName(title)}.png`, b), 'image/png');
  };

  const idx = hover !== null && hover < data.length ? hover : null;
  const summary = useMemo(() => describe(data, unit, nameOf, title), [props.version, seriesCount, unit]);
  const legend = data.series.slice(0, MAX_LEGEND);

  return (
    <figure class="chart" aria-label={title} data-points={data.length} data-series={seriesCount}>
      <figcaption class="chart-head">
        <span class="chart-title">{title}</span>
        <span class="chart-hover" aria-hidden="true">
          {idx !== null ? formatDateTime(data.x[idx] * 1000) : ''}
        </span>
        <span class="chart-actions">
          {props.actions}
          <button
            type="button"
            class="icon-btn"
            onClick={() => setShowTable(!showTable)}
            aria-pressed={showTable}
            title="Show the data as a table"
          >
            Table
          </button>
          <button
            type="button"
            class="icon-btn"
            onClick={exportCsv}
            title="Download CSV"
            disabled={!data.length}
          >
            CSV
          </button>
          <button
            type="button"
            class="icon-btn"
            onClick={exportPng}
            title="Download PNG"
            disabled={!data.length}
          >
            PNG
          </button>
        </span>
      </figcaption>
      <p class="sr-only">{summary}</p>
      <div class="chart-plot" ref={host} aria-hidden="true" />
      {seriesCount > 0 && (
        <ul class="legend">
          {legend.map((s, i) => {
            const v = idx !== null ? data.ys[i][idx] : data.last(i);
            const off = hidden.has(s.key);
            return (
              <li key={s.key}>
                <button
                  type="button"
                  class={`legend-item${off ? ' off' : ''}`}
                  aria-pressed={!off}
                  title={off ? 'Show this series' : 'Hide this series'}
                  onClick={() => toggle(i)}
                >
                  <span class="swatch" style={{ background: PALETTE[i % PALETTE.length] }} />
                  <span class="legend-name">{nameOf(s.labels)}</span>
                  <span class="legend-value">{formatValue(v, unit)}</span>
                </button>
              </li>
            );
          })}
          {seriesCount > MAX_LEGEND && <li class="muted">+{seriesCount - MAX_LEGEND} more series</li>}
        </ul>
      )}
      {showTable && <DataTable data={data} unit={unit} nameOf={nameOf} />}
    </figure>
  );
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** An x-axis tick: seconds when ticks are seconds apart, dates when days apart. */
function timeTick(ms: number, incrSec: number): string {
  const d = new Date(ms);
  if (incrSec >= 86_400) return `${MONTHS[d.getMonth()]} ${d.getDate()}`;
  const hm = `${two(d.getHours())}:${two(d.getMinutes())}`;
  if (incrSec < 60) return `${hm}:${two(d.getSeconds())}`;
  if (d.getHours() === 0 && d.getMinutes() === 0) return `${MONTHS[d.getMonth()]} ${d.getDate()}`;
  return hm;
}

function describe(
  data: Columns,
  unit: Unit,
  nameOf: (l: Record<string, string>) => string,
  title: string,
): string {
  if (!data.length || !data.series.length) return `${title}: no data.`;
  const from = formatDateTime(data.x[0] * 1000);
  const to = formatTime(data.x[data.length - 1] * 1000);
  const parts = data.series.slice(0, 8).map((s, i) => {
    const st = data.stats(i);
    return `${nameOf(s.labels)}: now ${formatValue(data.last(i), unit)}, min ${formatValue(st.min, unit)}, max ${formatValue(st.max, unit)}`;
  });
  const more = data.series.length > 8 ? `; and ${data.series.length - 8} more series` : '';
  return `${title}, ${from} to ${to}. ${parts.join('; ')}${more}.`;
}

function DataTable(props: { data: Columns; unit: Unit; nameOf: (l: Record<string, string>) => string }) {
  const { data, unit, nameOf } = props;
  const rows: number[] = [];
  for (let i = data.length - 1; i >= 0 && rows.length < 60; i--) rows.push(i);
  const cols = data.series.slice(0, 12);
  return (
    <div class="table-wrap chart-table">
      <table>
        <caption class="sr-only">Latest values, newest first</caption>
        <thead>
          <tr>
            <th scope="col">time</th>
            {cols.map((s) => (
              <th scope="col" key={s.key}>
                {nameOf(s.labels)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r}>
              <td>{formatTime(data.x[r] * 1000)}</td>
              {cols.map((_, c) => (
                <td class="num" key={c}>
                  {formatValue(data.ys[c][r], unit)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
