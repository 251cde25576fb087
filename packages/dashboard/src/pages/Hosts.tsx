// Hosts and processes: per-host vitals when several hosts report, and the
// processes sonde watches (anything exposing process_* metrics).
import { api, vectorRows } from '../api/client';
import { ChartPanel } from '../components/ChartPanel';
import { Empty, Resolve } from '../components/states';
import { useApi } from '../lib/data';
import { formatValue } from '../lib/format';
import { hostVitals } from '../lib/queries';
import { setParams, useLocation } from '../lib/router';

const WINDOW = 15 * 60_000;

function Processes() {
  const cpu = useApi(
    (s) => api.query('sum by (job, instance) (rate(process_cpu_seconds_total[1m]))', undefined, s),
    [],
    5000,
  );
  const rss = useApi(
    (s) => api.query('sum by (job, instance) (process_resident_memory_bytes)', undefined, s),
    [],
    5000,
  );
  const fds = useApi((s) => api.query('sum by (job, instance) (process_open_fds)', undefined, s), [], 5000);
  return (
    <section class="panel" aria-labelledby="proc-h">
      <div class="panel-head">
        <h2 id="proc-h">Processes</h2>
        <span class="muted">every process exposing process_* metrics, sonde included</span>
      </div>
      <Resolve result={rss.result} what="Process metrics" endpoint="/api/v1/query">
        {(data) => {
          const key = (l: Record<string, string>) => `${l.job ?? ''}|${l.instance ?? ''}`;
          const cpuBy = new Map(
            cpu.result?.ok ? vectorRows(cpu.result.data).map((r) => [key(r.labels), r.value]) : [],
          );
          const fdBy = new Map(
            fds.result?.ok ? vectorRows(fds.result.data).map((r) => [key(r.labels), r.value]) : [],
          );
          const rows = vectorRows(data).sort((a, b) => b.value - a.value);
          if (!rows.length) return <Empty>No process metrics yet.</Empty>;
          return (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Job</th>
                    <th scope="col">Instance</th>
                    <th scope="col" class="num">
                      CPU (cores)
                    </th>
                    <th scope="col" class="num">
                      Memory (RSS)
                    </th>
                    <th scope="col" class="num">
                      Open files
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={key(r.labels)}>
                      <td>{r.labels.job ?? '–'}</td>
                      <td class="mono">{r.labels.instance ?? '–'}</td>
                      <td class="num">{formatValue(cpuBy.get(key(r.labels)), 'none')}</td>
                      <td class="num">{formatValue(r.value, 'bytes')}</td>
                      <td class="num">{formatValue(fdBy.get(key(r.labels)), 'count')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          );
        }}
      </Resolve>
    </section>
  );
}

export function Hosts() {
  const loc = useLocation();
  const hosts = useApi(
    (s) => api.query('count by (instance) (node_cpu_seconds_total)', undefined, s),
    [],
    30_000,
  );
  const list = hosts.result?.ok ? vectorRows(hosts.result.data).map((r) => r.labels.instance ?? '') : [];
  const chosen = loc.params.get('host') ?? '';
  const sel = chosen ? `instance="${chosen.replace(/"/g, '\\"')}"` : '';
  return (
    <section class="page" aria-labelledby="page-h">
      <div class="page-head">
        <div>
          <h1 id="page-h">Hosts and processes</h1>
          <p>
            {list.length > 1
              ? `${list.length} hosts report to this sonde.`
              : 'This host. Other hosts appear here when they push or are scraped.'}
          </p>
        </div>
      </div>
      {list.length > 1 && (
        <label>
          Host{' '}
          <select value={chosen} onChange={(e) => setParams({ host: e.currentTarget.value })}>
            <option value="">all hosts together</option>
            {list.map((h) => (
              <option key={h} value={h}>
                {h || '(no instance label)'}
              </option>
            ))}
          </select>
        </label>
      )}
      <div class="grid">
        {hostVitals(sel).map((v) => (
          <ChartPanel
            key={`${v.id}|${sel}`}
            title={v.title}
            unit={v.unit}
            queries={v.queries}
            windowMs={WINDOW}
            name={v.name}
            yMax={v.yMax}
          />
        ))}
      </div>
      <Processes />
    </section>
  );
}
