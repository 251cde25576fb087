// Line charts as inline SVG: no script, no network, readable in any browser
// and in print. Each chart carries a text alternative.
export interface ChartSeries {
  readonly name: string;
  readonly t: readonly number[];
  readonly v: readonly number[];
}

export type ChartUnit = 'percent' | 'bytes' | 'bytes/s' | 'seconds' | 'plain';

const W = 720;
const H = 200;
const PAD = { left: 64, right: 12, top: 12, bottom: 28 };
const COLOURS = ['#2f81f7', '#e5534b', '#3fb950', '#d29922', '#a371f7', '#39c5cf'];

export function formatUnit(v: number, unit: ChartUnit): string {
  if (!Number.isFinite(v)) return String(v);
  if (unit === 'percent') return `${v.toFixed(v < 10 ? 1 : 0)}%`;
  if (unit === 'seconds') return v < 1 ? `${(v * 1000).toFixed(v < 0.01 ? 2 : 0)} ms` : `${v.toFixed(2)} s`;
  if (unit === 'bytes' || unit === 'bytes/s') {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let x = Math.abs(v);
    let i = 0;
    while (x >= 1024 && i < units.length - 1) {
      x /= 1024;
      i++;
    }
    return `${(Math.sign(v) * x).toFixed(x < 10 ? 1 : 0)} ${units[i]}${unit === 'bytes/s' ? '/s' : ''}`;
  }
  return Math.abs(v) >= 1000 ? v.toExponential(2) : v.toFixed(Math.abs(v) < 10 ? 2 : 0);
}

function esc(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

export function svgLineChart(title: string, series: readonly ChartSeries[], unit: ChartUnit): string {
  const points = series.flatMap((s) => s.v.filter(Number.isFinite));
  const times = series.flatMap((s) => s.t);
  if (points.length === 0 || times.length === 0) {
    return `<figure class="chart"><figcaption>${esc(title)}</figcaption><p class="empty">No data in this window.</p></figure>`;
  }
  let lo = Math.min(...points);
  let hi = Math.max(...points);
  if (unit === 'percent' || lo > 0) lo = Math.min(0, lo);
  if (hi === lo) hi = lo + 1;
  const t0 = Math.min(...times);
  const t1 = Math.max(...times) === t0 ? t0 + 1 : Math.max(...times);
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - (v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const v = lo + f * (hi - lo);
    return `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/><text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${esc(formatUnit(v, unit))}</text>`;
  });
  const ticks = [0, 0.5, 1].map((f) => {
    const t = t0 + f * (t1 - t0);
    return `<text x="${x(t).toFixed(1)}" y="${H - 8}" text-anchor="${f === 0 ? 'start' : f === 1 ? 'end' : 'middle'}">${clock(t)}</text>`;
  });
  const lines = series.map((s, i) => {
    let d = '';
    let pen = false;
    for (let j = 0; j < s.t.length; j++) {
      if (!Number.isFinite(s.v[j])) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${x(s.t[j]).toFixed(1)},${y(s.v[j]).toFixed(1)}`;
      pen = true;
    }
    return `<path d="${d}" fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="1.6"/>`;
  });
  const summary = series
    .map((s) => {
      const vs = s.v.filter(Number.isFinite);
      return `${s.name}: min ${formatUnit(Math.min(...vs), unit)}, max ${formatUnit(Math.max(...vs), unit)}, last ${formatUnit(vs[vs.length - 1], unit)}`;
    })
    .join('; ');
  const legend = series
    .map(
      (s, i) =>
        `<span class="key"><i style="background:${COLOURS[i % COLOURS.length]}"></i>${esc(s.name)}</span>`,
    )
    .join(' ');
  return `<figure class="chart"><figcaption>${esc(title)}</figcaption>
<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(`${title}. ${summary}`)}">${grid.join('')}${ticks.join('')}${lines.join('')}</svg>
<div class="legend">${legend}</div></figure>`;
}
