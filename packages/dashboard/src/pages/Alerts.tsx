// Alerts: rules with their state, firing history, and silences (create and expire).
import { useState } from 'preact/hooks';
import { type Rule, api } from '../api/client';
import { ChartPanel } from '../components/ChartPanel';
import { ActiveAlerts } from '../components/ActiveAlerts';
import { ErrorState, Resolve } from '../components/states';
import { useApi } from '../lib/data';
import { formatDateTime, formatRelative } from '../lib/format';
import { parseMatchers } from '../lib/matchers';
import { type Item, listOf, str, timeOf } from '../lib/shape';

function RuleRow(props: { rule: Rule }) {
  const r = props.rule;
  const state = r.type === 'recording' ? 'recording' : (r.state ?? 'inactive');
  const cls =
    state === 'firing' ? 'bad' : state === 'pending' ? 'warn' : state === 'recording' ? 'info' : 'ok';
  return (
    <tr>
      <td>
        <span class={`badge ${cls}`}>{state}</span>
      </td>
      <td>
        <strong>{r.name}</strong>
        {r.lastError && <div class="muted">error: {r.lastError}</div>}
      </td>
      <td class="mono wrap">
        <a href={`/explore?q=${encodeURIComponent(r.query)}&range=1h`}>{r.query}</a>
      </td>
      <td>{r.duration ? `${r.duration} s` : '–'}</td>
      <td>{r.health ?? '–'}</td>
    </tr>
  );
}

function Rules() {
  const { result, reload } = useApi((s) => api.rules(s), [], 10_000);
  return (
    <section class="panel" aria-labelledby="rules-h">
      <div class="panel-head">
        <h2 id="rules-h">Rules</h2>
      </div>
      <Resolve result={result} what="Alerting rules" endpoint="/api/v1/rules" onRetry={reload}>
        {(data) => {
          const groups = data.groups ?? [];
          if (!groups.some((g) => g.rules.length))
            return (
              <p class="muted">
                No rules are loaded. Add a Prometheus rule file to sonde's config to alert on any query.
              </p>
            );
          return (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">State</th>
                    <th scope="col">Rule</th>
                    <th scope="col">Query</th>
                    <th scope="col">For</th>
                    <th scope="col">Health</th>
                  </tr>
                </thead>
                {groups.map((g) => (
                  <tbody key={g.name}>
                    <tr>
                      <th colSpan={5} scope="rowgroup">
                        {g.name} <span class="muted">{g.file}</span>
                      </th>
                    </tr>
                    {g.rules.map((r) => (
                      <RuleRow rule={r} key={r.name} />
                    ))}
                  </tbody>
                ))}
              </table>
            </div>
          );
        }}
      </Resolve>
    </section>
  );
}

function SilenceForm(props: { onDone: () => void }) {
  const [matchers, setMatchers] = useState('');
  const [hours, setHours] = useState('2');
  const [author, setAuthor] = useState('');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (ev: Event) => {
    ev.preventDefault();
    const parsed = parseMatchers(matchers);
    if (typeof parsed === 'string') return setError(parsed);
    const h = Number(hours);
    if (!(h > 0)) return setError('the duration must be a positive number of hours');
    setBusy(true);
    const now = Date.now();
    const r = await api.sondePost<unknown>('silences', {
      matchers: parsed,
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + h * 3_600_000).toISOString(),
      createdBy: author || 'dashboard',
      comment: comment || 'silenced from the dashboard',
    });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setError(null);
    setMatchers('');
    setComment('');
    props.onDone();
  };
  return (
    <form onSubmit={submit} class="toolbar" aria-label="New silence" style={{ alignItems: 'flex-end' }}>
      <label class="grow" style={{ minWidth: '240px' }}>
        Matchers
        <br />
        <input
          type="text"
          style={{ width: '100%' }}
          placeholder='alertname="DiskFull", instance=~"web-.*"'
          value={matchers}
          onInput={(e) => setMatchers(e.currentTarget.value)}
          required
        />
      </label>
      <label>
        Hours
        <br />
        <input
          type="number"
          min="0.25"
          step="0.25"
          style={{ width: '80px' }}
          value={hours}
          onInput={(e) => setHours(e.currentTarget.value)}
        />
      </label>
      <label>
        Author
        <br />
        <input
          type="text"
          value={author}
          onInput={(e) => setAuthor(e.currentTarget.value)}
          placeholder="you"
        />
      </label>
      <label class="grow">
        Comment
        <br />
        <input
          type="text"
          style={{ width: '100%' }}
          value={comment}
          onInput={(e) => setComment(e.currentTarget.value)}
          placeholder="why"
        />
      </label>
      <button class="btn primary" type="submit" disabled={busy}>
        Create silence
      </button>
      {error && (
        <div style={{ flexBasis: '100%' }}>
          <ErrorState error={error} />
        </div>
      )}
    </form>
  );
}

function matcherText(m: Item): string {
  const op = m.isRegex ? (m.isEqual === false ? '!~' : '=~') : m.isEqual === false ? '!=' : '=';
  return `${m.name}${op}"${m.value}"`;
}

function Silences() {
  const { result, reload } = useApi((s) => api.sonde<unknown>('silences', {}, s), [], 15_000);
  const [error, setError] = useState<string | null>(null);
  const expire = async (id: string) => {
    const r = await api.sondeDelete<unknown>(`silences/${encodeURIComponent(id)}`);
    setError(r.ok ? null : r.error);
    reload();
  };
  return (
    <section class="panel" aria-labelledby="sil-h">
      <div class="panel-head">
        <h2 id="sil-h">Silences</h2>
      </div>
      <Resolve result={result} what="Silences" endpoint="/api/sonde/v1/silences" onRetry={reload}>
        {(data) => {
          const all = listOf(data, ['silences', 'data']);
          const now = Date.now();
          const active = all.filter((s) => {
            const state = (s.status as Item | undefined)?.state ?? s.state;
            const end = timeOf(s, ['endsAt']);
            return state ? state !== 'expired' : end === undefined || end > now;
          });
          return (
            <>
              <SilenceForm onDone={reload} />
              {error && <ErrorState error={error} />}
              {active.length === 0 ? (
                <p class="muted">No active silences.</p>
              ) : (
                <ul class="list" style={{ marginTop: '12px' }} data-testid="silences">
                  {active.map((s) => {
                    const id = str(s, ['id', 'silenceID']) ?? '';
                    const end = timeOf(s, ['endsAt']);
                    return (
                      <li key={id}>
                        <div class="row">
                          <span class="mono grow">{listOf(s.matchers, []).map(matcherText).join(', ')}</span>
                          {end !== undefined && (
                            <span title={formatDateTime(end)}>ends {formatRelative(end)}</span>
                          )}
                          <button
                            type="button"
                            class="btn small danger"
                            onClick={() => expire(id)}
                            disabled={!id}
                          >
                            Expire
                          </button>
                        </div>
                        <p class="muted">
                          {str(s, ['comment'])} — {str(s, ['createdBy']) ?? 'unknown author'}
                        </p>
                      </li>
                    );
                  })}
                </ul>
              )}
            </>
          );
        }}
      </Resolve>
    </section>
  );
}

export function Alerts() {
  return (
    <section class="page" aria-labelledby="page-h">
      <div class="page-head">
        <div>
          <h1 id="page-h">Alerts</h1>
          <p>Rules and their state, what fired in the last day, and silences.</p>
        </div>
      </div>
      <ActiveAlerts link={false} />
      <ChartPanel
        title="Firing alerts, last 24 h"
        unit="count"
        queries={['count by (alertname) (ALERTS{alertstate="firing"})']}
        windowMs={86_400_000}
        name={(l) => l.alertname ?? 'alerts'}
        empty={<p class="muted">No alert fired in the last 24 hours.</p>}
      />
      <Rules />
      <Silences />
    </section>
  );
}
