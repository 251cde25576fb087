// node:http: wrap a request listener. Routes come from `route(req)` or a
// handler's `setRoute(req, '/users/:id')`; otherwise "<unmatched>".
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorClass, HttpMetrics, type HttpMetricsOptions } from './common.js';

export interface NodeHttpOptions extends HttpMetricsOptions {
  /** The route template of a request (called at the end of the response). */
  route?: (req: IncomingMessage) => string | undefined;
}

type Listener<Req extends IncomingMessage, Res extends ServerResponse> = (req: Req, res: Res) => unknown;

/**
 * Instruments a node:http request listener: `http.createServer(instrument(handler))`.
 * The handler's result and errors pass through unchanged.
 */
export function instrument<
  Req extends IncomingMessage = IncomingMessage,
  Res extends ServerResponse = ServerResponse,
>(handler: Listener<Req, Res>, opts: NodeHttpOptions = {}): Listener<Req, Res> {
  const metrics = HttpMetrics.for(opts);
  const routeOf = opts.route;
  return function instrumented(this: unknown, req: Req, res: Res) {
    const state = metrics.begin(req.method, req);
    // Deferred a microtask: an async handler that ends the response and then
    // rejects gets its error class recorded first ('finish' can come via nextTick).
    const record = () => metrics.end(state, res.statusCode, routeOf ? safeRoute(routeOf, req) : undefined);
    const finish = () => queueMicrotask(record);
    res.once('finish', finish);
    res.once('close', finish);
    let out: unknown;
    try {
      out = handler.call(this, req, res);
    } catch (e) {
      state.error ??= errorClass(e);
      throw e;
    }
    if (out !== null && typeof out === 'object' && typeof (out as Promise<unknown>).then === 'function') {
      return (out as Promise<unknown>).then(undefined, (e: unknown) => {
        state.error ??= errorClass(e);
        throw e;
      });
    }
    return out;
  };
}

function safeRoute(
  fn: (req: IncomingMessage) => string | undefined,
  req: IncomingMessage,
): string | undefined {
  try {
    return fn(req);
  } catch {
    return undefined;
  }
}
