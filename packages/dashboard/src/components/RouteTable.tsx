// Routes with their latency percentiles, throughput, errors and cache hit
// rate: sortable by any column, filterable by text.
import { useState } from 'preact/hooks';
import { formatValue } from '../lib/format';
import type { RouteRow } from '../lib/routes';

type Key = 'route' | 'rps' | 'p50' | 'p95' | 'p99' | 'errors' | 'cache';

const COLS: { key: Key; label: string; num: boolean }[] = [
  { key: 'route', label: 'Route', num: false },
  { key: 'rps', label: 'Req/s', num: true },
  { key: 'p50', label: 'P50', num: true },
  { key: 'p95', label: 'P95', num: true },
  { key: 'p99', label: 'P99', num: true },
  { key: 'errors', label: 'Errors', num: true },
  { key: 'cache', label: 'Cache hits', num: true },
];

const SEV_TEXT = { ok: 'ok', warn: 'slow', bad: 'bad', info: 'info', muted: '–' } as const;

export function routeHref(r: Pick<RouteRow, 'route' | 'method'>): string {
  return `/routes/${encodeURIComponent(r.route)}${r.method ? `?method=${encodeURIComponent(r.method)}` : ''}`;
}

export function RouteTable(props: {
  rows: RouteRow[];
  limit?: number;
  initialSort?: Key;
  compact?: boolean;
  filter?: string;
}) {
  const [sort, setSort] = useState<{ key: Key; desc: boolean }>({
    key: props.initialSort ?? 'rps',
    desc: true,
  });
  const f = (props.filter ?? '').toLowerCase();
  const rows = props.rows
    .filter((r) => !f || `${r.method} ${r.route}`.toLowerCase().includes(f))
    .sort((a, b) => {
      const k = sort.key;
      const av = a[k];
      const bv = b[k];
      const c =
        typeof av === 'string'
          ? av.localeCompare(bv as string)
          : (Number.isNaN(av) ? -Infinity : av) - (Number.isNaN(bv as number) ? -Infinity : (bv as number));
      return sort.desc ? -c : c;
    })
    .slice(0, props.limit ?? Infinity);
  if (!props.rows.length) return <p class="muted">No requests recorded in this window.</p>;
  if (!rows.length) return <p class="muted">No route matches “{props.filter}”.</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">
              <span class="sr-only">Severity</span>
            </th>
            {COLS.map((c) => (
              <th
                scope="col"
                key={c.key}
                class={c.num ? 'num' : undefined}
                aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : undefined}
              >
                <button
                  type="button"
                  onClick={() => setSort({ key: c.key, desc: sort.key === c.key ? !sort.desc : c.num })}
                >
                  {c.label}
                  {sort.key === c.key ? (sort.desc ? ' ↓' : ' ↑') : ''}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.method} ${r.route}`}>
              <td>
                <span
                  class={`badge ${r.severity}`}
                  title="From p99 (>300 ms slow, >1 s bad) and 5xx share (>1% slow, >5% bad)"
                >
                  {SEV_TEXT[r.severity]}
                </span>
              </td>
              <td>
                <a href={routeHref(r)}>
                  <span class="muted mono">{r.method}</span> <span class="mono">{r.route}</span>
                </a>
              </td>
              <td class="num">{formatValue(r.rps, '/s')}</td>
              <td class="num">{formatValue(r.p50, 'seconds')}</td>
              <td class="num">{formatValue(r.p95, 'seconds')}</td>
              <td class="num">{formatValue(r.p99, 'seconds')}</td>
              <td class="num">{formatValue(r.errors, 'ratio')}</td>
              <td class="num">{formatValue(r.cache, 'ratio')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
