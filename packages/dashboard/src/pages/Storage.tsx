// Storage: how much sonde holds, how fast it ingests, and what costs most.
import { useRef } from 'preact/hooks';
import { api } from '../api/client';
import { Resolve } from '../components/states';
import { useApi } from '../lib/data';
import { formatBytes, formatDateTime, formatDuration, formatValue } from '../lib/format';

interface Tier {
  tier: string;
  retentionMs: number;
  bytesOnDisk: number;
  samples: number;
  oldestMs: number | null;
  newestMs: number | null;
}
interface Stats {
  series: number;
  headSeries: number;
  samplesAppended: number;
  bytesOnDisk: number;
  bytesPerSample: number;
  oldestMs: number | null;
  newestMs: number | null;
  tiers: Tier[];
  rejected: Record<string, number>;
  topMetrics: { name: string; series: number }[];
  topLabels: { name: string; values: number }[];
}

function Kpi(props: { k: string; v: string; s?: string }) {
  return (
    <div class="kpi">
      <div class="k">{props.k}</div>
      <div class="v">{props.v}</div>
      {props.s && <div class="s">{props.s}</div>}
    </div>
  );
}

export function Storage() {
  const { result, reload } = useApi((s) => api.sonde<Stats>('storage', {}, s), [], 2000);
  // Samples/s from two successive reads of the appended-samples counter.
  const prev = useRef<{ n: number; at: number } | null>(null);
  const rate = useRef<number>(Number.NaN);
  if (result?.ok && typeof result.data.samplesAppended === 'number') {
    const now = performance.now();
    const p = prev.current;
    if (p && now - p.at > 1000 && result.data.samplesAppended !== p.n) {
      rate.current = ((result.data.samplesAppended - p.n) * 1000) / (now - p.at);
    }
    if (!p || result.data.samplesAppended !== p.n) prev.current = { n: result.data.samplesAppended, at: now };
  }
  return (
    <section class="page" aria-labelledby="page-h">
      <div class="page-head">
        <div>
          <h1 id="page-h">Storage</h1>
          <p>The embedded time-series store: size, ingest rate, retention, rollups and cardinality.</p>
        </div>
      </div>
      <Resolve result={result} what="Storage statistics" endpoint="/api/sonde/v1/storage" onRetry={reload}>
        {(d) => {
          const rejected = Object.entries(d.rejected ?? {}).filter(([k, v]) => k !== 'accepted' && v > 0);
          return (
            <>
              <div class="kpis">
                <Kpi
                  k="Series"
                  v={formatValue(d.series, 'count')}
                  s={`${formatValue(d.headSeries, 'count')} active`}
                />
                <Kpi
                  k="Samples ingested"
                  v={Number.isFinite(rate.current) ? formatValue(rate.current, '/s') : 'measuring…'}
                  s={`${formatValue(d.samplesAppended, 'count')} in total`}
                />
                <Kpi
                  k="On disk"
                  v={formatBytes(d.bytesOnDisk)}
                  s={`${d.bytesPerSample?.toFixed(2) ?? '–'} bytes per sample`}
                />
                <Kpi
                  k="Data spans"
                  v={d.oldestMs && d.newestMs ? formatDuration(d.newestMs - d.oldestMs) : '–'}
                  s={d.oldestMs ? `since ${formatDateTime(d.oldestMs)}` : 'no samples yet'}
                />
              </div>
              <div class="cols-2">
                <section class="panel">
                  <div class="panel-head">
                    <h2>Retention and rollup tiers</h2>
                  </div>
                  <div class="table-wrap">
                    <table>
                      <thead>
                        <tr>
                          <th scope="col">Tier</th>
                          <th scope="col" class="num">
                            Kept for
                          </th>
                          <th scope="col" class="num">
                            Samples
                          </th>
                          <th scope="col" class="num">
                            On disk
                          </th>
                          <th scope="col">Oldest</th>
                        </tr>
                      </thead>
                      <tbody>
                        {(d.tiers ?? []).map((t) => (
                          <tr key={t.tier}>
                            <td>{t.tier === 'raw' ? 'raw (every sample)' : `${t.tier} rollup`}</td>
                            <td class="num">{formatDuration(t.retentionMs)}</td>
                            <td class="num">{formatValue(t.samples, 'count')}</td>
                            <td class="num">{formatBytes(t.bytesOnDisk)}</td>
                            <td>{t.oldestMs ? formatDateTime(t.oldestMs) : '–'}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                  {rejected.length > 0 && (
                    <p class="muted">
                      Rejected samples:{' '}
                      {rejected.map(([k, v]) => `${formatValue(v, 'count')} ${k}`).join(', ')}.
                    </p>
                  )}
                </section>
                <section class="panel">
                  <div class="panel-head">
                    <h2>Top metrics by series</h2>
                  </div>
                  <Bars
                    rows={(d.topMetrics ?? []).map((m) => ({ name: m.name, n: m.series }))}
                    unit="series"
                    link
                  />
                  <div class="panel-head" style={{ marginTop: '14px' }}>
                    <h2>Top labels by distinct values</h2>
                  </div>
                  <Bars
                    rows={(d.topLabels ?? []).map((m) => ({ name: m.name, n: m.values }))}
                    unit="values"
                  />
                </section>
              </div>
            </>
          );
        }}
      </Resolve>
    </section>
  );
}

function Bars(props: { rows: { name: string; n: number }[]; unit: string; link?: boolean }) {
  if (!props.rows.length) return <p class="muted">Nothing stored yet.</p>;
  const max = Math.max(...props.rows.map((r) => r.n));
  return (
    <ul class="list" style={{ gap: '4px' }}>
      {props.rows.slice(0, 12).map((r) => (
        <li key={r.name} class="part" style={{ background: 'transparent', padding: '2px 0' }}>
          {props.link ? (
            <a class="mono" href={`/explore?q=${encodeURIComponent(r.name)}&view=table`}>
              {r.name}
            </a>
          ) : (
            <span class="mono">{r.name}</span>
          )}
          <span class="mono">
            {formatValue(r.n, 'count')} {props.unit}
          </span>
          <span class="bar" aria-hidden="true">
            <i style={{ width: `${(100 * r.n) / max}%` }} />
          </span>
        </li>
      ))}
    </ul>
  );
}
