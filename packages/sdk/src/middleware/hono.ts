// Hono: `app.use(honoMetrics())` first. The route is the path of the route
// that answered (e.g. /users/:id); errors handled by Hono's onError are
// labelled with their class.
import { errorClass, HttpMetrics, type HttpMetricsOptions } from './common.js';

interface HonoRoute {
  path: string;
  method: string;
  handler: unknown;
}
interface HonoContextLike {
  req: { method: string; raw: object; routeIndex: number; matchedRoutes: HonoRoute[] };
  res: { status: number };
  error?: unknown;
  env?: { incoming?: object } | unknown;
}
type HonoNext = () => Promise<void>;

export function honoMetrics(opts: HttpMetricsOptions = {}) {
  const metrics = HttpMetrics.for(opts);
  const mw = async function sondeHonoMetrics(c: HonoContextLike, next: HonoNext): Promise<void> {
    const incoming = (c.env as { incoming?: object } | undefined)?.incoming;
    const state = incoming
      ? metrics.begin(c.req.method, c, c.req.raw, incoming)
      : metrics.begin(c.req.method, c, c.req.raw);
    try {
      await next();
    } catch (e) {
      state.error ??= errorClass(e);
      metrics.end(state, 500, routeOf(c, mw));
      throw e;
    }
    if (c.error !== undefined) state.error ??= errorClass(c.error);
    metrics.end(state, c.res.status, routeOf(c, mw));
  };
  return mw;
}

function routeOf(c: HonoContextLike, self: unknown): string | undefined {
  try {
    const r = c.req.matchedRoutes[c.req.routeIndex];
    if (!r || r.handler === self) return undefined;
    return r.path;
  } catch {
    return undefined;
  }
}
