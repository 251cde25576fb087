// Serving the exposition: a request handler to mount in the app's own server
// (Accept-negotiated text 0.0.4 / OpenMetrics 1.0) and `serve()`, a small
// dedicated metrics server.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { contentTypeOf, negotiate } from './exposition/negotiate.js';
import { type Registry, register as defaultRegister } from './registry.js';

export interface HandlerOptions {
  registry?: Registry;
}

/**
 * A node:http-style handler answering with the registry's exposition, in
 * OpenMetrics when the Accept header asks for it, else text 0.0.4. Works as
 * an Express handler too: `app.get('/metrics', metricsHandler())`.
 */
export function metricsHandler(opts: HandlerOptions = {}) {
  const registry = opts.registry ?? defaultRegister;
  return function sondeMetrics(req: IncomingMessage, res: ServerResponse): void {
    const format = negotiate(req.headers.accept);
    registry.metricsAs(format).then(
      (body) => {
        res.statusCode = 200;
        res.setHeader('Content-Type', contentTypeOf(format));
        res.setHeader('Content-Length', Buffer.byteLength(body));
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (err: unknown) => {
        res.statusCode = 500;
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end(`collecting metrics failed: ${err instanceof Error ? err.message : String(err)}\n`);
      },
    );
  };
}

export interface ServeOptions extends HandlerOptions {
  /** Port (default 9464, OpenTelemetry's Prometheus exporter port; 0 picks a free one). */
  port?: number;
  /** Address to bind (default all interfaces, "0.0.0.0"). */
  host?: string;
  /** Path of the exposition (default /metrics). */
  path?: string;
}

export interface MetricsServer {
  readonly server: Server;
  /** Resolves with the bound address; rejects if binding failed (also reported as a process warning). */
  readonly listening: Promise<AddressInfo>;
  /** The exposition URL once listening. */
  url(): string;
  close(): Promise<void>;
}

/** Starts a metrics server: `serve({ port: 9464 })`. Never throws into the app. */
export function serve(opts: ServeOptions = {}): MetricsServer {
  const path = opts.path ?? '/metrics';
  const handler = metricsHandler(opts);
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const p = url.indexOf('?') >= 0 ? url.slice(0, url.indexOf('?')) : url;
    if (p !== path) {
      res.statusCode = 404;
      res.end(`not found; metrics are at ${path}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.statusCode = 405;
      res.setHeader('Allow', 'GET, HEAD');
      res.end();
      return;
    }
    handler(req, res);
  });
  const listening = new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', (err) => {
      process.emitWarning(`sonde metrics server could not listen: ${err.message}`, { code: 'SONDE_SERVE' });
      reject(err);
    });
    server.listen(opts.port ?? 9464, opts.host ?? '0.0.0.0', () => resolve(server.address() as AddressInfo));
  });
  listening.catch(() => {});
  return {
    server,
    listening,
    url() {
      const a = server.address() as AddressInfo | null;
      if (!a) return '';
      const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
      return `http://${host}:${a.port}${path}`;
    },
    close() {
      return new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeIdleConnections?.();
      });
    },
  };
}
