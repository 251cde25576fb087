// Alerts firing or pending now.
import { api } from '../api/client';
import { useApi } from '../lib/data';
import { formatDateTime, formatRelative } from '../lib/format';
import { severityOf } from '../lib/shape';
import { Resolve } from './states';

export function ActiveAlerts(props: { link?: boolean }) {
  const { result, reload } = useApi((s) => api.alerts(s), [], 5000);
  return (
    <section class="panel" aria-labelledby="alerts-h">
      <div class="panel-head">
        <h2 id="alerts-h">Active alerts</h2>
        {props.link !== false && (
          <a class="right" href="/alerts">
            Rules and silences →
          </a>
        )}
      </div>
      <Resolve result={result} what="Alerting" endpoint="/api/v1/alerts" onRetry={reload}>
        {(data) => {
          const alerts = (data.alerts ?? []).filter((a) => a.state !== 'inactive');
          if (!alerts.length) return <p class="muted">No alerts are firing.</p>;
          return (
            <ul class="list">
              {alerts.map((a, i) => {
                const at = a.activeAt ? Date.parse(a.activeAt) : NaN;
                return (
                  <li key={i}>
                    <div class="row">
                      <span
                        class={`badge ${a.state === 'firing' ? severityOf(a.labels.severity ?? 'critical') : 'warn'}`}
                      >
                        {a.state}
                      </span>
                      <strong class="grow">{a.labels.alertname}</strong>
                      {Number.isFinite(at) && (
                        <span class="muted" title={formatDateTime(at)}>
                          since {formatRelative(at)}
                        </span>
                      )}
                    </div>
                    {(a.annotations.summary || a.annotations.description) && (
                      <p class="muted">{a.annotations.summary ?? a.annotations.description}</p>
                    )}
                  </li>
                );
              })}
            </ul>
          );
        }}
      </Resolve>
    </section>
  );
}
