// The HTTP server: one Fastify instance carrying every route group. The
// route groups themselves live with their stage (api/prometheus, api/ingest,
// ...); this file only decides what is mounted and how errors look.
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { dashboardAssets, dashboardDir } from './dashboard-assets.js';
import { type TokenStore, installAuth } from './auth/index.js';
import type { ApiDeps, RoutePlugin } from './deps.js';
import { healthRoutes } from './health.js';
import { installSecurityHeaders } from './security-headers.js';

export interface ApiServerOptions {
  readonly deps: ApiDeps;
  readonly plugins: readonly RoutePlugin[];
  readonly isReady: () => boolean;
  /** Text of sonde's own metrics in Prometheus exposition format, with its content type. */
  readonly selfMetrics: () => Promise<{ contentType: string; body: string }>;
  /** Directory of the built dashboard; defaults to the @sonde/dashboard package's dist/. */
  readonly dashboardDir?: string | null;
  readonly bodyLimitBytes?: number;
  /** When given, every request but the health probes needs a token of the right role. */
  readonly auth?: TokenStore;
}

export async function createApiServer(options: ApiServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes ?? 32 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  });

  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err, url: req.url }, 'request failed');
    reply.code(status).send({
      status: 'error',
      errorType: status === 413 ? 'too_large' : status < 500 ? 'bad_data' : 'internal',
      error: err.message,
    });
  });

  installSecurityHeaders(app);
  if (options.auth) installAuth(app, options.auth);
  healthRoutes(app, options.isReady);
  app.get('/metrics', async (_req, reply) => {
    const { contentType, body } = await options.selfMetrics();
    return reply.type(contentType).send(body);
  });
  for (const plugin of options.plugins) {
    await app.register(async (scope) => plugin(scope, options.deps));
  }
  await dashboardAssets(app, options.dashboardDir === undefined ? dashboardDir() : options.dashboardDir);
  return app;
}
