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
    let async = false;
    // (No named closures per request: tsx/esbuild would wrap each to keep its name.)
    res.on('close', () => {
      if (!async) {
        metrics.end(state, res.statusCode, routeOf ? safeRoute(routeOf, req) : undefined);
        return;
      }
      // An async handler that ended the response and then rejected: let its
      // rejection (already queued) label the error first; the duration is taken now.
      state.endAt = process.hrtime.bigint();
      Promise.resolve().then(() =>
        metrics.end(state, res.statusCode, routeOf ? safeRoute(routeOf, req) : undefined),
      );
    });
    let out: unknown;
    try {
      out = handler.call(this, req, res);
    } catch (e) {
      state.error ??= errorClass(e);
      throw e;
    }
    if (out !== null && typeof out === 'object' && typeof (out as Promise<unknown>).then === 'function') {
      async = true;
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
