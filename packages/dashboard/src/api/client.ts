// The dashboard's only door to the server: the Prometheus-shaped API and
// sonde's own endpoints. Every call resolves to a Result instead of
// throwing, so each panel can show loading, empty, error or "not available
// yet" honestly.

export type Result<T> =
  | { readonly ok: true; readonly data: T }
  | { readonly ok: false; readonly kind: 'missing' | 'error' | 'offline'; readonly error: string };

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}
export interface PromSeries {
  metric: Record<string, string>;
  values: [number, string][];
}
export type PromData =
  | { resultType: 'vector'; result: PromSample[] }
  | { resultType: 'matrix'; result: PromSeries[] }
  | { resultType: 'scalar' | 'string'; result: [number, string] };

async function call<T>(path: string, init?: RequestInit, signal?: AbortSignal): Promise<Result<T>> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, signal, headers: { accept: 'application/json', ...init?.headers } });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    return { ok: false, kind: 'offline', error: 'sonde is not reachable. Is it running?' };
  }
  if (res.status === 401 && typeof location !== 'undefined' && location.pathname !== '/login') {
    // The session ended (expired, signed out, server restarted): sign in again.
    location.assign('/login');
  }
  let body: { status?: string; data?: T; error?: string; errorType?: string } | null = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (res.status === 404 && (!body || body.errorType === 'not_found' || !body.status)) {
    return { ok: false, kind: 'missing', error: `${path.split('?')[0]} is not available on this server yet` };
  }
  if (!res.ok || !body || body.status === 'error') {
    return {
      ok: false,
      kind: 'error',
      error: body?.error ?? `HTTP ${res.status} from ${path.split('?')[0]}`,
    };
  }
  // Prometheus wraps answers in {status, data}; sonde's own endpoints may answer bare.
  return { ok: true, data: (body.status === 'success' && 'data' in body ? body.data : body) as T };
}

const qs = (params: Record<string, string | number | undefined | string[]>) => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) u.append(k, x);
    else u.set(k, String(v));
  }
  return u.toString();
};

export const api = {
  query: (query: string, time?: number, signal?: AbortSignal) =>
    call<PromData>(
      `/api/v1/query?${qs({ query, time: time === undefined ? undefined : time / 1000 })}`,
      undefined,
      signal,
    ),
  queryRange: (query: string, startMs: number, endMs: number, stepMs: number, signal?: AbortSignal) =>
    call<PromData>(
      `/api/v1/query_range?${qs({ query, start: startMs / 1000, end: endMs / 1000, step: stepMs / 1000 })}`,
      undefined,
      signal,
    ),
  labels: (signal?: AbortSignal) => call<string[]>('/api/v1/labels', undefined, signal),
  labelValues: (name: string, signal?: AbortSignal) =>
    call<string[]>(`/api/v1/label/${encodeURIComponent(name)}/values`, undefined, signal),
  series: (match: string[], startMs?: number, endMs?: number, signal?: AbortSignal) =>
    call<Record<string, string>[]>(
      `/api/v1/series?${qs({ 'match[]': match, start: startMs && startMs / 1000, end: endMs && endMs / 1000 })}`,
      undefined,
      signal,
    ),
  metadata: (signal?: AbortSignal) =>
    call<Record<string, { type: string; help: string; unit: string }[]>>(
      '/api/v1/metadata',
      undefined,
      signal,
    ),
  alerts: (signal?: AbortSignal) => call<{ alerts: Alert[] }>('/api/v1/alerts', undefined, signal),
  rules: (signal?: AbortSignal) => call<{ groups: RuleGroup[] }>('/api/v1/rules', undefined, signal),
  /** sonde's own endpoints under /api/sonde/v1/. */
  sonde: <T>(
    path: string,
    params: Record<string, string | number | undefined> = {},
    signal?: AbortSignal,
  ) => {
    const q = qs(params);
    return call<T>(`/api/sonde/v1/${path}${q ? `?${q}` : ''}`, undefined, signal);
  },
  sondePost: <T>(path: string, body: unknown) =>
    call<T>(`/api/sonde/v1/${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    }),
  sondeDelete: <T>(path: string) => call<T>(`/api/sonde/v1/${path}`, { method: 'DELETE' }),
};

export interface Alert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'firing' | 'pending' | 'inactive';
  activeAt?: string;
  value?: string;
}

export interface Rule {
  name: string;
  query: string;
  type: 'alerting' | 'recording';
  state?: 'firing' | 'pending' | 'inactive';
  health?: string;
  lastError?: string;
  duration?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  alerts?: Alert[];
}

export interface RuleGroup {
  name: string;
  file: string;
  rules: Rule[];
  interval?: number;
}

/** The rows of an instant vector as {labels, value}. */
export function vectorRows(data: PromData): { labels: Record<string, string>; value: number }[] {
  if (data.resultType === 'vector')
    return data.result.map((s) => ({ labels: s.metric, value: Number(s.value[1]) }));
  if (data.resultType === 'scalar') return [{ labels: {}, value: Number(data.result[1]) }];
  return [];
}

/** The first value of an instant query, or NaN. */
export function scalarOf(data: PromData): number {
  const rows = vectorRows(data);
  return rows.length ? rows[0].value : Number.NaN;
}
