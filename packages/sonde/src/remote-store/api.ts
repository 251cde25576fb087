// Calls to a remote Prometheus HTTP API (Prometheus, VictoriaMetrics, Mimir,
// Thanos): form-encoded POSTs, the `{status, data | errorType, error}`
// envelope unwrapped, and failures turned into QueryErrors that say which
// remote answered what.
import type { z } from 'zod';
import type { remoteStoreSchema } from '../config/schema.js';
import { QueryError } from '../query/types.js';
import type { HttpClientConfig, HttpResponse } from '../scrape/http-client.js';

export type RemoteStoreConfig = z.output<typeof remoteStoreSchema>;

type ErrorType = QueryError['errorType'];

const ERROR_TYPES: Record<string, ErrorType> = {
  bad_data: 'bad_data',
  execution: 'execution',
  timeout: 'timeout',
  canceled: 'canceled',
  internal: 'internal',
  too_many_samples: 'too_many_samples',
};

/** What both the async and the blocking transports take. */
export interface ApiRequest {
  readonly path: string;
  readonly params: readonly [string, string][];
}

export function clientConfig(config: RemoteStoreConfig): HttpClientConfig {
  return {
    basic_auth: config.basic_auth,
    authorization: config.authorization,
    tls_config: config.tls_config,
    headers: config.headers,
  };
}

/** The API endpoint URL under the configured base (which may carry a path prefix). */
export function apiUrl(base: string, path: string): URL {
  const u = new URL(base);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}${path}`;
  return u;
}

export function encodeForm(params: readonly [string, string][]): string {
  const f = new URLSearchParams();
  for (const [k, v] of params) f.append(k, v);
  return f.toString();
}

/** Unwraps the API envelope; throws a QueryError naming the remote and its complaint. */
export function unwrap<T>(
  res: Pick<HttpResponse, 'status' | 'statusText'> & { text: string },
  where: string,
): T {
  let body: { status?: string; data?: T; errorType?: string; error?: string } | undefined;
  try {
    body = JSON.parse(res.text);
  } catch {
    body = undefined;
  }
  if (body?.status === 'success') return body.data as T;
  if (body?.status === 'error') {
    throw new QueryError(
      `remote store: ${body.error ?? 'error'}`,
      ERROR_TYPES[body.errorType ?? ''] ?? 'execution',
    );
  }
  const snippet = res.text.slice(0, 200).trim();
  throw new QueryError(
    `remote store ${where} answered HTTP ${res.status} ${res.statusText}${snippet ? `: ${snippet}` : ''}`,
    res.status === 503 || res.status === 504 ? 'timeout' : 'internal',
  );
}

function formatSelectorValue(v: string): string {
  return JSON.stringify(v);
}

/** A PromQL selector for matchers: `{a="x",b=~"y.*"}`. */
export function selectorFor(matchers: readonly { type: string; name: string; value: string }[]): string {
  return `{${matchers.map((m) => `${m.name}${m.type}${formatSelectorValue(m.value)}`).join(',')}}`;
}

export function secondsParam(ms: number): string {
  return (ms / 1000).toFixed(3);
}
