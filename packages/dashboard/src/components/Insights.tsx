// Findings from the analytics endpoints (anomalies, forecasts,
// recommendations, changes), each with its evidence and a link to explore
// the series behind it. Shapes follow /api/sonde/v1/* (docs/analytics.md);
// fields are read defensively so a newer server still renders.
import type { ComponentChildren } from 'preact';
import { api, vectorRows } from '../api/client';
import { labelKey } from '../lib/columns';
import { useApi } from '../lib/data';
import {
  formatDateTime,
  formatDuration,
  formatRelative,
  formatValue,
  guessUnit,
  seriesName,
  sig,
} from '../lib/format';
import { type Item, labelsOf, listOf, num, severityOf, str, timeOf } from '../lib/shape';
import { Resolve } from './states';

function exploreLink(labels: Record<string, string> | undefined, text?: string) {
  if (!labels) return null;
  const expr = seriesName(labels);
  return (
    <a href={`/explore?q=${encodeURIComponent(expr)}&range=1h`} class="mono">
      {text ?? (expr.length > 90 ? `${expr.slice(0, 90)}…` : expr)}
    </a>
  );
}

function Panel(props: { title: string; count?: ComponentChildren; children: ComponentChildren }) {
  return (
    <section class="panel" aria-label={props.title}>
      <div class="panel-head">
        <h2>{props.title}</h2>
        {props.count !== undefined && <span class="muted">{props.count}</span>}
      </div>
      {props.children}
    </section>
  );
}

/** Gauges worth watching for anomalies; counters go through rate() in the analytics engine's own rules. */
export const ANOMALY_QUERY =
  '{__name__=~"node_load1|node_memory_MemAvailable_bytes|node_filesystem_avail_bytes|nodejs_eventloop_lag_seconds|process_resident_memory_bytes|sonde_.*_seconds"}';

export function Anomalies(props: { title: string; window?: string; limit?: number; query?: string }) {
  const { result, reload } = useApi(
    (s) =>
      api.sonde<Item>('anomalies', { query: props.query ?? ANOMALY_QUERY, window: props.window ?? '15m' }, s),
    [props.window, props.query],
    30_000,
  );
  const limit = props.limit ?? 6;
  return (
    <Resolve result={result} what={props.title} endpoint="/api/sonde/v1/anomalies" onRetry={reload}>
      {(data) => {
        const all = listOf(data, ['series']);
        const bad = all
          .filter((s) => s.anomalous === true)
          .sort((a, b) => (num(b, ['score']) ?? 0) - (num(a, ['score']) ?? 0));
        const rate = all.length ? bad.length / all.length : 0;
        return (
          <Panel
            title={props.title}
            count={`${bad.length} of ${all.length} series · anomaly rate ${formatValue(rate, 'ratio')}`}
          >
            {!bad.length ? (
              <p class="muted">
                Nothing is anomalous: every watched series behaves like its own recent past.
              </p>
            ) : (
              <ul class="list">
                {bad.slice(0, limit).map((s) => {
                  const labels = labelsOf(s);
                  const since = timeOf(s, ['since']);
                  const v = num(s, ['value']);
                  return (
                    <li key={seriesName(labels ?? {})}>
                      <div class="row">
                        <span class={`badge ${(num(s, ['score']) ?? 0) >= 0.8 ? 'bad' : 'warn'}`}>
                          score {sig(num(s, ['score']) ?? 0, 2)}
                        </span>
                        <span class="grow">{exploreLink(labels)}</span>
                        {since !== undefined && (
                          <span class="muted" title={formatDateTime(since)}>
                            since {formatRelative(since)}
                          </span>
                        )}
                      </div>
                      <p class="muted">
                        now {v === undefined ? '–' : formatValue(v, guessUnit(labels?.__name__ ?? ''))},
                        flagged by {str(s, ['by']) ?? 'the detector'}
                      </p>
                    </li>
                  );
                })}
                {bad.length > limit && <li class="muted">and {bad.length - limit} more</li>}
              </ul>
            )}
          </Panel>
        );
      }}
    </Resolve>
  );
}

/** Samples a series needs in the hour before its forecast is shown: 10 minutes at the 1 s interval. */
const MIN_SAMPLES = 600;
/** Labels without the metric name (count_over_time drops it). */
const key = (l: Record<string, string>) => {
  const { __name__: _, ...rest } = l;
  return labelKey(rest);
};

const FORECASTS = [
  { query: 'node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|squashfs"}', what: 'disk full' },
  { query: 'node_memory_MemAvailable_bytes', what: 'memory exhausted' },
];

export function Forecasts() {
  const { result, reload } = useApi(
    async (s) => {
      const rs = await Promise.all(
        FORECASTS.map((f) =>
          api.sonde<Item>('forecast', { query: f.query, window: '1h', horizon: '5m', threshold: 0 }, s),
        ),
      );
      const failed = rs.find((r) => !r.ok);
      if (failed && !failed.ok) return failed;
      // A trend from a few minutes of data says little: count each series'
      // samples over the hour and keep forecasts backed by 10 minutes or more.
      const counts = await Promise.all(
        FORECASTS.map((f) => api.query(`count_over_time(${f.query}[1h])`, undefined, s)),
      );
      const enough = new Set<string>();
      for (const c of counts)
        if (c.ok)
          for (const row of vectorRows(c.data)) if (row.value >= MIN_SAMPLES) enough.add(key(row.labels));
      return {
        ok: true as const,
        data: rs.map((r, i) => {
          const series = r.ok ? listOf(r.data, ['series']) : [];
          return {
            what: FORECASTS[i].what,
            series: series.filter((x) => enough.has(key(labelsOf(x) ?? {}))),
            young: series.filter((x) => !enough.has(key(labelsOf(x) ?? {}))).length,
          };
        }),
      };
    },
    [],
    60_000,
  );
  return (
    <Resolve result={result} what="Forecasts" endpoint="/api/sonde/v1/forecast" onRetry={reload}>
      {(groups) => {
        const hits = groups.flatMap((g) =>
          g.series.flatMap((s) => {
            const eta = (s.timeToThreshold as Item | undefined)?.eta as Item | null | undefined;
            const seconds = eta ? num(eta, ['seconds']) : undefined;
            return seconds !== undefined && seconds < 30 * 86400
              ? [{ what: g.what, labels: labelsOf(s), seconds, eta: eta! }]
              : [];
          }),
        );
        hits.sort((a, b) => a.seconds - b.seconds);
        const watched = groups.reduce((n, g) => n + g.series.length, 0);
        const young = groups.reduce((n, g) => n + g.young, 0);
        return (
          <Panel title="Forecasts" count={`${watched} series watched`}>
            {!hits.length ? (
              <p class="muted">
                {watched
                  ? 'No disk or memory is on course to run out in the next 30 days (linear trend of the last hour).'
                  : 'Forecasts start once there are 10 minutes of disk and memory data.'}
              </p>
            ) : (
              <ul class="list">
                {hits.slice(0, 6).map((h) => (
                  <li key={`${h.what}${seriesName(h.labels ?? {})}`}>
                    <div class="row">
                      <span
                        class={`badge ${h.seconds < 86400 ? 'bad' : h.seconds < 7 * 86400 ? 'warn' : 'info'}`}
                      >
                        {h.what}
                      </span>
                      <strong class="grow">in {formatDuration(h.seconds * 1000)}</strong>
                      <span class="muted">
                        between {formatDuration((num(h.eta, ['lowerSeconds']) ?? h.seconds) * 1000)} and{' '}
                        {formatDuration((num(h.eta, ['upperSeconds']) ?? h.seconds) * 1000)}
                      </span>
                    </div>
                    <p>{exploreLink(h.labels, h.labels?.mountpoint ?? h.labels?.instance)}</p>
                  </li>
                ))}
              </ul>
            )}
            {young > 0 && watched > 0 && (
              <p class="muted">{young} newer series wait for 10 minutes of data before they are forecast.</p>
            )}
          </Panel>
        );
      }}
    </Resolve>
  );
}

function evidenceText(e: unknown): string[] {
  if (!e || typeof e !== 'object') return typeof e === 'string' ? [e] : [];
  return Object.entries(e as Item)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .slice(0, 6)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? sig(v) : String(v)}`);
}

export function Recommendations(props: { limit?: number }) {
  const { result, reload } = useApi(
    (s) => api.sonde<Item>('recommendations', { window: '1h', query: ANOMALY_QUERY }, s),
    [],
    60_000,
  );
  const limit = props.limit ?? 6;
  return (
    <Resolve result={result} what="Recommendations" endpoint="/api/sonde/v1/recommendations" onRetry={reload}>
      {(data) => {
        const items = listOf(data, ['recommendations']);
        return (
          <Panel title="Recommendations" count={items.length}>
            {!items.length ? (
              <p class="muted">No recommendations: nothing in the last hour stands out.</p>
            ) : (
              <ul class="list">
                {items.slice(0, limit).map((r, i) => {
                  const prio = str(r, ['priority', 'severity']);
                  return (
                    <li key={i}>
                      <div class="row">
                        {prio && <span class={`badge ${severityOf(prio)}`}>{prio}</span>}
                        <span class="grow">
                          {str(r, ['text', 'title', 'message']) ?? 'Unnamed recommendation'}
                        </span>
                        <span class="muted">{str(r, ['kind'])}</span>
                      </div>
                      {evidenceText(r.evidence).length > 0 && (
                        <p class="muted mono">{evidenceText(r.evidence).join(' · ')}</p>
                      )}
                    </li>
                  );
                })}
                {items.length > limit && <li class="muted">and {items.length - limit} more</li>}
              </ul>
            )}
          </Panel>
        );
      }}
    </Resolve>
  );
}

export function Changes(props: { start: number; end: number; query?: string }) {
  const { result, reload } = useApi(
    (s) =>
      api.sonde<Item>(
        'changes',
        {
          from: props.start / 1000,
          to: props.end / 1000,
          limit: 20,
          ...(props.query ? { query: props.query } : {}),
        },
        s,
      ),
    [props.start, props.end, props.query],
  );
  return (
    <Resolve result={result} what="What changed" endpoint="/api/sonde/v1/changes" onRetry={reload}>
      {(data) => {
        const items = listOf(data, ['changes']);
        if (!items.length)
          return <p class="muted">No series changed notably in this window against the one before it.</p>;
        return (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Series</th>
                  <th scope="col" class="num">
                    Before (median)
                  </th>
                  <th scope="col" class="num">
                    During (median)
                  </th>
                  <th
                    scope="col"
                    class="num"
                    title="Kolmogorov–Smirnov distance between the two windows: 0 same, 1 entirely different"
                  >
                    Change (KS D)
                  </th>
                  <th scope="col" class="num">
                    p-value
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((c) => {
                  const labels = labelsOf(c);
                  const unit = guessUnit(labels?.__name__ ?? '');
                  return (
                    <tr key={seriesName(labels ?? {})}>
                      <td class="wrap">{exploreLink(labels)}</td>
                      <td class="num">{formatValue(num(c, ['medianBefore']), unit)}</td>
                      <td class="num">{formatValue(num(c, ['medianDuring']), unit)}</td>
                      <td class="num">{sig(num(c, ['d']) ?? Number.NaN, 2)}</td>
                      <td class="num">{(num(c, ['p']) ?? Number.NaN).toExponential(1)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        );
      }}
    </Resolve>
  );
}
