// Talking to a running sonde (or any Prometheus-compatible server) from the
// command line: one place for the token, the error wording and JSON checks.
export interface ServerTarget {
  readonly server: string;
  /** Bearer token; SONDE_TOKEN when not given. */
  readonly token?: string;
}

export async function getJson<T>(
  target: ServerTarget,
  path: string,
  params: Record<string, string> = {},
): Promise<T> {
  const url = new URL(path, target.server);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const token = target.token ?? process.env.SONDE_TOKEN;
  let res: Response;
  try {
    res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause;
    throw new Error(`cannot reach ${target.server}: ${cause?.message ?? (err as Error).message}`);
  }
  const body = (await res.json().catch(() => ({}))) as { status?: string; data?: T; error?: string };
  if (!res.ok || body.status !== 'success')
    throw new Error(`${url.pathname}: ${body.error ?? `HTTP ${res.status}`}`);
  return body.data as T;
}

export interface RangeSeries {
  readonly metric: Record<string, string>;
  readonly values: [number, string][];
}

/** A PromQL range query; [] when the server has no such data. */
export async function queryRange(
  target: ServerTarget,
  query: string,
  startMs: number,
  endMs: number,
  stepMs: number,
): Promise<RangeSeries[]> {
  const data = await getJson<{ result: RangeSeries[] }>(target, '/api/v1/query_range', {
    query,
    start: String(startMs / 1000),
    end: String(endMs / 1000),
    step: String(stepMs / 1000),
  });
  return data.result;
}
