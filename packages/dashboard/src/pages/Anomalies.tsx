// Anomalies and changes: what is anomalous now and recently, and for a
// chosen incident window, which series changed most.
import { useState } from 'preact/hooks';
import { Anomalies as AnomalyList, Changes } from '../components/Insights';
import { TimeRangePicker, rangeFromParams } from '../components/TimeRange';
import { setParams, useLocation } from '../lib/router';

/** Every gauge: counters and histogram parts always "change", so they would crowd the ranking. */
const GAUGES = '{__name__=~".+", __name__!~".*(_total|_bucket|_count|_sum|_created|_info)"}';

export function Anomalies() {
  const loc = useLocation();
  const series = loc.params.get('series') || GAUGES;
  const [draft, setDraft] = useState(series);
  const range = rangeFromParams(loc.params, '1h');
  const end = range.end ?? Math.floor(Date.now() / 60_000) * 60_000;
  const start = end - range.windowMs;
  return (
    <section class="page" aria-labelledby="page-h">
      <div class="page-head">
        <div>
          <h1 id="page-h">Anomalies and changes</h1>
          <p>Series behaving unlike their own past, and what changed most in an incident window.</p>
        </div>
      </div>
      <div class="cols-2">
        <AnomalyList title="Anomalous now (15 min)" limit={12} />
        <AnomalyList title="Anomalous in the last 24 h" window="24h" limit={12} />
      </div>
      <section class="panel" aria-labelledby="changes-h">
        <div class="panel-head">
          <h2 id="changes-h">What changed</h2>
          <span class="muted">
            pick the incident window; series are ranked by how much they moved against the window before it
          </span>
        </div>
        <TimeRangePicker params={loc.params} onChange={(x) => setParams(x)} />
        <form
          class="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            setParams({ series: draft.trim() === GAUGES ? undefined : draft.trim() });
          }}
        >
          <label class="grow">
            Series to rank{' '}
            <input
              type="text"
              class="mono"
              style={{ width: '100%' }}
              value={draft}
              onInput={(e) => setDraft(e.currentTarget.value)}
            />
          </label>
          <button type="submit" class="btn small">
            Rank
          </button>
        </form>
        <p class="muted">
          Ranked changes, {range.label}. Counters only ever grow, so by default only gauges are ranked; put{' '}
          <code>rate(x[5m])</code> here to rank a counter.
        </p>
        <Changes start={start} end={end} query={series} />
      </section>
    </section>
  );
}
