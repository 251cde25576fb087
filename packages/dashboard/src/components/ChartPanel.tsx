// A chart bound to queries: history, then live points, with every state shown.
import type { ComponentChildren } from 'preact';
import { type SeriesOptions, useSeries } from '../lib/data';
import type { Unit } from '../lib/format';
import { Chart } from './Chart';
import { Empty, ErrorState, Loading, NotAvailable } from './states';

export interface ChartPanelProps extends SeriesOptions {
  readonly title: string;
  readonly queries: readonly string[];
  readonly unit: Unit;
  readonly windowMs: number;
  readonly height?: number;
  readonly name?: (labels: Record<string, string>) => string;
  readonly empty?: ComponentChildren;
  readonly onZoom?: (fromMs: number, toMs: number) => void;
  readonly yMax?: number;
  readonly fill?: boolean;
  /** Wrap in a panel box (default true). */
  readonly boxed?: boolean;
}

export function ChartPanel(props: ChartPanelProps) {
  const s = useSeries(props.queries, props.windowMs, {
    live: props.live,
    end: props.end,
    stepMs: props.stepMs,
  });
  const end = props.end ?? (s.data.length ? s.data.x[s.data.length - 1] * 1000 : Date.now());
  let body: ComponentChildren;
  if (s.state === 'loading') body = <Loading />;
  else if (s.state === 'missing') body = <NotAvailable what="Querying" endpoint="/api/v1/query_range" />;
  else if (s.state === 'error' && !s.data.length) body = <ErrorState error={s.error ?? 'unknown error'} />;
  else if (s.state === 'empty')
    body = props.empty ?? <Empty>No data for {props.title.toLowerCase()} in this time range.</Empty>;
  else
    body = (
      <>
        <Chart
          title={props.title}
          unit={props.unit}
          data={s.data}
          version={s.version}
          height={props.height}
          name={props.name}
          onZoom={props.onZoom}
          range={[end - props.windowMs, end]}
          yMax={props.yMax}
          fill={props.fill}
        />
        {s.error && <p class="muted">Live updates paused: {s.error}</p>}
      </>
    );
  const showTitle = s.state !== 'ready' && s.state !== 'error';
  const inner = (
    <>
      {showTitle && <h2 class="chart-title panel-head">{props.title}</h2>}
      {body}
    </>
  );
  return props.boxed === false ? inner : <section class="panel">{inner}</section>;
}
