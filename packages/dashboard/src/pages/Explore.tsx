// Explore: write PromQL, see it as a graph or a table, over any time range,
// zoom by dragging, tail it live, and share the view by its URL.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/client';
import { ChartPanel } from '../components/ChartPanel';
import { TimeRangePicker, rangeFromParams } from '../components/TimeRange';
import { Empty, ErrorState, Loading } from '../components/states';
import type { EditorHandle } from '../explore/editor';
import { useApi } from '../lib/data';
import { guessUnit, seriesName } from '../lib/format';
import type { Unit } from '../lib/format';
import { setParams, useLocation } from '../lib/router';

const EXAMPLES = [
  'rate(node_network_receive_bytes_total{device!="lo"}[1m])',
  '100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)',
  'histogram_quantile(0.99, sum by (le, route) (rate(http_server_request_duration_seconds_bucket[5m])))',
  'topk(5, sum by (route) (rate(http_server_requests_total[5m])))',
];

const UNITS: Unit[] = ['none', 'percent', 'ratio', 'bytes', 'bytes/s', 'seconds', '/s', 'count'];

/**
 * `value` is the committed query (from the URL): the editor takes it when it
 * changes from outside (a link, back/forward), never echoes of its own typing.
 */
function Editor(props: { value: string; onRun: (q: string) => void; onChange: (q: string) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const handle = useRef<EditorHandle | null>(null);
  const [failed, setFailed] = useState(false);
  const cb = useRef(props);
  cb.current = props;
  useEffect(() => {
    let dead = false;
    import('../explore/editor')
      .then(({ createEditor }) => {
        if (dead || !host.current) return;
        handle.current = createEditor(
          host.current,
          props.value,
          (q) => cb.current.onRun(q),
          (q) => cb.current.onChange(q),
        );
      })
      .catch(() => setFailed(true));
    return () => {
      dead = true;
      handle.current?.destroy();
    };
  }, []);
  useEffect(() => handle.current?.set(props.value), [props.value]);
  if (failed)
    return (
      <textarea
        class="editor"
        aria-label="PromQL query"
        value={props.value}
        onInput={(e) => props.onChange(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            props.onRun(e.currentTarget.value);
          }
        }}
      />
    );
  return <div class="editor" ref={host} data-testid="promql-editor" />;
}

function TableView(props: { query: string; time?: number }) {
  const { result } = useApi((s) => api.query(props.query, props.time, s), [props.query, props.time]);
  if (!result) return <Loading />;
  if (!result.ok) return <ErrorState error={result.error} />;
  const d = result.data;
  if (d.resultType === 'scalar' || d.resultType === 'string')
    return (
      <p class="mono">
        {d.resultType}: {d.result[1]}
      </p>
    );
  const rows =
    d.resultType === 'vector'
      ? d.result.map((s) => ({ labels: s.metric, value: s.value[1] }))
      : d.resultType === 'matrix'
        ? d.result.map((s) => ({
            labels: s.metric,
            value: `${s.values.length} points, last ${s.values.at(-1)?.[1]}`,
          }))
        : [];
  if (!rows.length) return <Empty>The query returned no series at this time.</Empty>;
  return (
    <div class="table-wrap" style={{ maxHeight: '60vh' }}>
      <table>
        <caption class="sr-only">Query result, one row per series</caption>
        <thead>
          <tr>
            <th scope="col">Series</th>
            <th scope="col" class="num">
              Value
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, 1000).map((r) => (
            <tr key={seriesName(r.labels)}>
              <td class="mono wrap">{seriesName(r.labels)}</td>
              <td class="num mono">{r.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > 1000 && <p class="muted">Showing 1,000 of {rows.length} series.</p>}
    </div>
  );
}

export function Explore() {
  const loc = useLocation();
  const p = loc.params;
  const query = p.get('q') ?? '';
  const [draft, setDraft] = useState(query);
  const view = p.get('view') === 'table' ? 'table' : 'graph';
  const live = p.get('live') === '1';
  const range = rangeFromParams(p);
  const unitParam = p.get('unit') as Unit | null;
  const unit: Unit = unitParam && UNITS.includes(unitParam) ? unitParam : guessUnit(query);
  const [copied, setCopied] = useState(false);
  useEffect(() => setDraft(query), [query]);

  const run = (q: string) => setParams({ q: q.trim() });
  const share = async () => {
    try {
      await navigator.clipboard.writeText(location.href);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      prompt('Copy this link', location.href);
    }
  };

  return (
    <section class="page" aria-labelledby="page-h">
      <div class="page-head">
        <div>
          <h1 id="page-h">Explore</h1>
          <p>PromQL over everything sonde stores. Enter runs the query; Shift+Enter adds a line.</p>
        </div>
      </div>
      <div class="panel" style={{ display: 'flex', flexDirection: 'column', gap: '10px' }}>
        <div class="row" style={{ alignItems: 'stretch' }}>
          <div class="grow" style={{ minWidth: '240px' }}>
            <Editor value={query} onRun={run} onChange={setDraft} />
          </div>
          <button type="button" class="btn primary" onClick={() => run(draft)} data-testid="run-query">
            Run
          </button>
        </div>
        <div class="toolbar">
          <fieldset class="seg">
            <legend class="sr-only">View</legend>
            <button
              type="button"
              aria-pressed={view === 'graph'}
              onClick={() => setParams({ view: undefined })}
            >
              Graph
            </button>
            <button
              type="button"
              aria-pressed={view === 'table'}
              onClick={() => setParams({ view: 'table' })}
            >
              Table
            </button>
          </fieldset>
          <TimeRangePicker
            params={p}
            onChange={(x) => setParams({ ...x, live: x.from ? undefined : (p.get('live') ?? undefined) })}
          />
          <label class="row">
            <input
              type="checkbox"
              checked={live}
              disabled={range.end !== undefined}
              onChange={(e) => setParams({ live: e.currentTarget.checked ? '1' : undefined })}
            />
            Live tail
          </label>
          <label>
            Unit{' '}
            <select value={unit} onChange={(e) => setParams({ unit: e.currentTarget.value })}>
              {UNITS.map((u) => (
                <option key={u} value={u}>
                  {u === 'none' ? 'plain number' : u}
                </option>
              ))}
            </select>
          </label>
          <button type="button" class="btn small" onClick={share} disabled={!query}>
            {copied ? 'Link copied' : 'Share link'}
          </button>
        </div>
      </div>
      {!query ? (
        <div class="panel">
          <h2>Try one of these</h2>
          <ul class="list">
            {EXAMPLES.map((e) => (
              <li key={e}>
                <a href={`/explore?q=${encodeURIComponent(e)}`} class="mono">
                  {e}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ) : view === 'graph' ? (
        <ChartPanel
          key={`${query}|${range.windowMs}|${range.end}|${live}`}
          title={query.length > 90 ? `${query.slice(0, 90)}…` : query}
          unit={unit}
          queries={[query]}
          windowMs={range.windowMs}
          end={range.end}
          live={live}
          height={320}
          onZoom={(from, to) =>
            setParams({ from: String(from), to: String(to), range: undefined, live: undefined })
          }
          empty={<Empty>The query returned no series in {range.label}.</Empty>}
        />
      ) : (
        <section class="panel">
          <TableView query={query} time={range.end} />
        </section>
      )}
      {query && view === 'graph' && (
        <p class="muted">
          Drag across the graph to zoom in; pick a range above to zoom out. Values are formatted as{' '}
          {unit === 'none' ? 'plain numbers' : unit}.
        </p>
      )}
    </section>
  );
}
