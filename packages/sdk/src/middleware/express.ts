// Express 5: `app.use(expressMetrics())` first; the route is the matched
// template (router mount path + route path). Mount `expressErrorMetrics()`
// after the routes to label errors with their class (it passes them on).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorClass, HttpMetrics, type HttpMetricsOptions, requestState } from './common.js';

/** The parts of Express' request the middleware reads (structural; no dependency on express). */
interface ExpressRequest extends IncomingMessage {
  baseUrl?: string;
  route?: { path?: unknown };
}

type Next = (err?: unknown) => void;

function routeOf(req: ExpressRequest): string | undefined {
  const p = req.route?.path;
  if (typeof p === 'string') return (req.baseUrl ?? '') + p;
  if (p instanceof RegExp) return (req.baseUrl ?? '') + String(p);
  return undefined;
}

export function expressMetrics(opts: HttpMetricsOptions = {}) {
  const metrics = HttpMetrics.for(opts);
  return function sondeExpressMetrics(req: ExpressRequest, res: ServerResponse, next: Next): void {
    const state = metrics.begin(req.method, req);
    // Express restores req.baseUrl/route as routing unwinds, so the template
    // is taken when the handler writes its headers.
    let route: string | undefined;
    const writeHead = res.writeHead;
    res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
      route ??= routeOf(req);
      return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
    } as typeof res.writeHead;
    res.on('close', () => metrics.end(state, res.statusCode, route ?? routeOf(req)));
    next();
  };
}

/** Error middleware: labels the request with the error's class, then passes the error on. */
export function expressErrorMetrics() {
  return function sondeExpressErrors(
    err: unknown,
    req: IncomingMessage,
    _res: ServerResponse,
    next: Next,
  ): void {
    const s = requestState(req);
    if (s) s.error ??= errorClass(err);
    next(err);
  };
}
