// Routes: every route the instrumented apps served, sortable and filterable.
import { useState } from 'preact/hooks';
import { RouteTable } from '../components/RouteTable';
import { InstrumentHint, Resolve } from '../components/states';
import { useApi } from '../lib/data';
import { setParams, useLocation } from '../lib/router';
import { loadRoutes } from '../lib/routes';

const WINDOWS = ['5m', '1h', '24h', '7d'];

export function Routes() {
  const loc = useLocation();
  const win = WINDOWS.includes(loc.params.get('window') ?? '') ? loc.params.get('window')! : '1h';
  const [filter, setFilter] = useState(loc.params.get('filter') ?? '');
  const { result, reload } = useApi((s) => loadRoutes(win, s), [win], 15_000);
  return (
    <section class="page" aria-labelledby="page-h">
      <div class="page-head">
        <div>
          <h1 id="page-h">Routes</h1>
          <p>
            Every route of every instrumented app: latency percentiles, throughput, errors and cache hits.
          </p>
        </div>
      </div>
      <div class="toolbar">
        <input
          type="search"
          placeholder="Filter routes"
          aria-label="Filter routes"
          value={filter}
          onInput={(e) => {
            setFilter(e.currentTarget.value);
            setParams({ filter: e.currentTarget.value });
          }}
        />
        <fieldset class="seg">
          <legend class="sr-only">Window</legend>
          {WINDOWS.map((w) => (
            <button type="button" key={w} aria-pressed={w === win} onClick={() => setParams({ window: w })}>
              {w}
            </button>
          ))}
        </fieldset>
      </div>
      <section class="panel">
        <Resolve result={result} what="Routes" endpoint="/api/v1/query" onRetry={reload}>
          {(rows) =>
            rows.length ? <RouteTable rows={rows} filter={filter} initialSort="rps" /> : <InstrumentHint />
          }
        </Resolve>
      </section>
    </section>
  );
}
