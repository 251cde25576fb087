// Overview: the whole system at a glance — health, host vitals live at 1 s,
// the app's traffic, slowest routes, alerts, anomalies, forecasts, advice.
import { api, scalarOf, vectorRows } from '../api/client';
import { ChartPanel } from '../components/ChartPanel';
import { Anomalies, Forecasts, Recommendations } from '../components/Insights';
import { HealthPanel } from '../components/HealthPanel';
import { RouteTable } from '../components/RouteTable';
import { ActiveAlerts } from '../components/ActiveAlerts';
import { InstrumentHint, Resolve } from '../components/states';
import { useAfterCharts, useApi } from '../lib/data';
import { formatDuration } from '../lib/format';
import { appQueries, hostVitals } from '../lib/queries';
import { loadRoutes } from '../lib/routes';

const WINDOW = 10 * 60_000;

function HostLine() {
  const { result } = useApi((s) => api.query('node_uname_info', undefined, s), []);
  const up = useApi((s) => api.query('time() - node_boot_time_seconds', undefined, s), []);
  const info = result?.ok ? vectorRows(result.data)[0]?.labels : undefined;
  const uptime = up.result?.ok ? scalarOf(up.result.data) : NaN;
  if (!info) return <p>This host's vitals, live every second.</p>;
  return (
    <p>
      <strong>{info.nodename}</strong> · {info.sysname} {info.release} · {info.machine}
      {Number.isFinite(uptime) && <> · up {formatDuration(uptime * 1000)}</>}
    </p>
  );
}

function AppSection() {
  const present = useApi((s) => api.query(appQueries.present, undefined, s), [], 15_000);
  const routes = useApi((s) => loadRoutes('5m', s), [], 10_000);
  const has = present.result?.ok && vectorRows(present.result.data).some((r) => r.value > 0);
  if (!present.result) return null;
  if (!has)
    return (
      <section class="panel" aria-labelledby="app-h">
        <div class="panel-head">
          <h2 id="app-h">Applications</h2>
        </div>
        <InstrumentHint />
      </section>
    );
  return (
    <>
      <div class="grid">
        <ChartPanel
          title="Requests"
          unit="/s"
          queries={[appQueries.rps]}
          windowMs={WINDOW}
          name={() => 'requests/s'}
          fill
        />
        <ChartPanel
          title="Latency"
          unit="seconds"
          queries={[appQueries.latency(0.5), appQueries.latency(0.95), appQueries.latency(0.99)]}
          windowMs={WINDOW}
          name={(l) => ['p50', 'p95', 'p99'][Number(l.__q)]}
        />
        <ChartPanel
          title="Error rate (5xx)"
          unit="ratio"
          queries={[appQueries.errors]}
          windowMs={WINDOW}
          name={() => '5xx share'}
          fill
        />
      </div>
      <section class="panel" aria-labelledby="slow-h">
        <div class="panel-head">
          <h2 id="slow-h">Slowest routes</h2>
          <span class="muted">last 5 minutes, by p99</span>
          <a class="right" href="/routes">
            All routes →
          </a>
        </div>
        <Resolve result={routes.result} what="Routes" endpoint="/api/v1/query">
          {(rows) => <RouteTable rows={rows} limit={5} initialSort="p99" compact />}
        </Resolve>
      </section>
    </>
  );
}

/** The panels below the host vitals, started once the vitals have their history. */
function BelowVitals() {
  if (!useAfterCharts()) return <p class="muted">Loading applications, alerts and insights…</p>;
  return (
    <>
      <AppSection />
      <div class="cols-2">
        <ActiveAlerts />
        <Anomalies title="Anomalies now" />
      </div>
      <div class="cols-2">
        <Forecasts />
        <Recommendations />
      </div>
    </>
  );
}

export function Overview() {
  const vitals = hostVitals();
  return (
    <section class="page" aria-labelledby="page-h">
      <div class="page-head">
        <div>
          <h1 id="page-h">Overview</h1>
          <HostLine />
        </div>
      </div>
      <HealthPanel />
      <h2 class="sr-only">Host vitals</h2>
      <div class="grid" data-testid="vitals">
        {vitals.map((v) => (
          <ChartPanel
            key={v.id}
            title={v.title}
            unit={v.unit}
            queries={v.queries}
            windowMs={WINDOW}
            name={v.name}
            yMax={v.yMax}
            fill={v.id !== 'load'}
            empty={
              <p class="muted">
                No {v.title.toLowerCase()} data yet: host collection may still be starting, or this platform
                does not report it.
              </p>
            }
          />
        ))}
      </div>
      <BelowVitals />
    </section>
  );
}
