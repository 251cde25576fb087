// Loading, empty, error and "not available yet" states, so no panel is ever
// a silent blank.
import type { ComponentChildren } from 'preact';
import type { Result } from '../api/client';

export function Loading(props: { label?: string }) {
  return (
    <div class="state state-loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {props.label ?? 'Loading…'}
    </div>
  );
}

export function Empty(props: { children: ComponentChildren }) {
  return <div class="state state-empty">{props.children}</div>;
}

export function ErrorState(props: { error: string; onRetry?: () => void }) {
  return (
    <div class="state state-error" role="alert">
      <strong>Could not load this.</strong> <span>{props.error}</span>
      {props.onRetry && (
        <button type="button" class="btn small" onClick={props.onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function NotAvailable(props: { what: string; endpoint: string }) {
  return (
    <div class="state state-missing">
      <strong>{props.what} is not available yet.</strong> This server does not answer{' '}
      <code>{props.endpoint}</code>; it appears here once that part of sonde is running.
    </div>
  );
}

/** Renders a Result's data, or the right state for it. */
export function Resolve<T>(props: {
  result: Result<T> | null;
  what: string;
  endpoint: string;
  onRetry?: () => void;
  children: (data: T) => ComponentChildren;
}) {
  const r = props.result;
  if (!r) return <Loading />;
  if (!r.ok) {
    if (r.kind === 'missing') return <NotAvailable what={props.what} endpoint={props.endpoint} />;
    return <ErrorState error={r.error} onRetry={props.onRetry} />;
  }
  return <>{props.children(r.data)}</>;
}

/** What a new install shows where app metrics would be: how to get them. */
export function InstrumentHint(props: { compact?: boolean }) {
  return (
    <div class="hint">
      <strong>No app is sending metrics yet.</strong>
      {!props.compact && (
        <p>
          Instrument a Node.js service with <code>@sonde/sdk</code> and its routes, latencies and errors
          appear here within seconds:
        </p>
      )}
      <pre class="code">
        <code>{`npm install @sonde/sdk

// at the top of your app's entry file
import { collectDefaultMetrics, push } from '@sonde/sdk';
collectDefaultMetrics();   // CPU, memory, event loop, GC
push({ url: '${location.origin}', interval: 1000 });`}</code>
      </pre>
      {!props.compact && (
        <p class="muted">
          Then add the SDK's HTTP middleware (node:http, Express, Fastify or Hono) for per-route latency,
          throughput and errors. Already exporting Prometheus metrics? Add the app as a scrape target in
          sonde's config instead.
        </p>
      )}
    </div>
  );
}
