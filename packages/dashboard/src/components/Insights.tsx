// Lists from the analytics endpoints (anomalies, forecasts, recommendations,
// changes), shown with their evidence and a link to explore the series.
import { api } from '../api/client';
import { useApi } from '../lib/data';
import { formatDateTime, formatRelative, seriesName } from '../lib/format';
import { type Item, labelsOf, listOf, num, severityOf, str, timeOf } from '../lib/shape';
import { Resolve } from './states';

const EMPTY: Record<string, string> = {
  anomalies: 'Nothing is anomalous right now.',
  forecast: 'No resource is forecast to run out.',
  recommendations: 'No recommendations: nothing stands out.',
  changes: 'No changes ranked for this window.',
};

function evidence(item: Item): string[] {
  const e = item.evidence ?? item.reasons ?? item.details;
  if (Array.isArray(e)) return e.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).slice(0, 4);
  if (typeof e === 'string') return [e];
  const d = str(item, ['detail', 'reason', 'explanation', 'description']);
  return d ? [d] : [];
}

export function InsightItem(props: { item: Item }) {
  const { item } = props;
  const labels = labelsOf(item);
  const expr = str(item, ['query', 'expr']) ?? (labels ? seriesName(labels) : undefined);
  const title =
    str(item, ['title', 'summary', 'message', 'name', 'resource']) ??
    (labels ? seriesName(labels) : 'Unnamed finding');
  const sevText = str(item, ['severity', 'level', 'priority']);
  const score = num(item, ['score', 'zscore', 'z', 'confidence']);
  const at = timeOf(item, ['at', 'time', 'timestamp', 'start', 'since']);
  const eta = timeOf(item, ['eta', 'when', 'exhaustAt', 'fullAt', 'crossesAt']);
  return (
    <li>
      <div class="row">
        {sevText && <span class={`badge ${severityOf(sevText)}`}>{sevText}</span>}
        <strong class="grow">{title}</strong>
        {eta !== undefined && <span title={formatDateTime(eta)}>{formatRelative(eta)}</span>}
        {at !== undefined && eta === undefined && (
          <span class="muted" title={formatDateTime(at)}>
            {formatRelative(at)}
          </span>
        )}
      </div>
      {evidence(item).map((e) => (
        <p class="muted" key={e}>
          {e}
        </p>
      ))}
      <div class="row muted">
        {score !== undefined && <span>score {score.toFixed(2)}</span>}
        {expr && (
          <a href={`/explore?q=${encodeURIComponent(expr)}&range=1h`} class="mono">
            {expr.length > 80 ? `${expr.slice(0, 80)}…` : expr}
          </a>
        )}
      </div>
    </li>
  );
}

export function Insights(props: {
  kind: 'anomalies' | 'forecast' | 'recommendations' | 'changes';
  title: string;
  params?: Record<string, string | number | undefined>;
  limit?: number;
}) {
  const { result, reload } = useApi(
    (s) => api.sonde<unknown>(props.kind, props.params ?? {}, s),
    [props.kind, JSON.stringify(props.params ?? {})],
    props.kind === 'anomalies' ? 10_000 : 60_000,
  );
  const limit = props.limit ?? 6;
  return (
    <section class="panel" aria-label={props.title}>
      <div class="panel-head">
        <h2>{props.title}</h2>
        {result?.ok && (
          <span class="muted">{listOf(result.data, [props.kind, 'items', 'results']).length}</span>
        )}
      </div>
      <Resolve result={result} what={props.title} endpoint={`/api/sonde/v1/${props.kind}`} onRetry={reload}>
        {(data) => {
          const items = listOf(data, [props.kind, 'items', 'results', 'forecasts', 'recommendations']);
          if (!items.length) return <p class="muted">{EMPTY[props.kind]}</p>;
          return (
            <ul class="list">
              {items.slice(0, limit).map((it, i) => (
                <InsightItem item={it} key={i} />
              ))}
              {items.length > limit && <li class="muted">and {items.length - limit} more</li>}
            </ul>
          );
        }}
      </Resolve>
    </section>
  );
}
