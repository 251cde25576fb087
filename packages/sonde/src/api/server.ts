// The HTTP server: one Fastify instance carrying every route group. The
// route groups themselves live with their stage (api/prometheus, api/ingest,
// ...); this file only decides what is mounted and how errors look.
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  LogController,
} from 'fastify';
import { dashboardAssets, dashboardDir } from './dashboard-assets.js';
import { SessionStore, type TokenStore, installAuth, loginRoutes } from './auth/index.js';
import type { ApiDeps, LimitName, RoutePlugin } from './deps.js';
import { healthRoutes } from './health.js';
import { installRateLimit } from './rate-limit.js';
import { readTls } from './tls.js';
import { installSecurityHeaders } from './security-headers.js';

export interface ApiServerOptions {
  readonly deps: ApiDeps;
  readonly plugins: readonly RoutePlugin[];
  readonly isReady: () => boolean;
  /** Text of sonde's own metrics in Prometheus exposition format, with its content type. */
  readonly selfMetrics: () => Promise<{ contentType: string; body: string }>;
  /** Directory of the built dashboard; defaults to the @sonde/dashboard package's dist/. */
  readonly dashboardDir?: string | null;
  /** Counts requests refused by a limit, by limit name. */
  readonly onLimited?: (limit: LimitName) => void;
  /** When given, every request but the health probes needs a token of the right role. */
  readonly auth?: TokenStore;
}

export async function createApiServer(options: ApiServerOptions): Promise<FastifyInstance> {
  const tls = options.deps.config.tls;
  const app = Fastify({
    ...(tls ? { https: readTls({ certFile: tls.cert_file, keyFile: tls.key_file }) } : {}),
    loggerInstance: options.deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.deps.config.limits.max_body_bytes,
    routerOptions: { ignoreTrailingSlash: true },
    // Errors Fastify raises before routing (a URL with bad percent-encoding)
    // answer in the same shape as every other error.
    frameworkErrors: (err, _req, reply) =>
      (reply as FastifyReply).code(400).send({ status: 'error', errorType: 'bad_data', error: err.message }),
  });

  app.setErrorHandler(
    (err: Error & { statusCode?: number; errorType?: string; error?: string }, req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
      if (status === 413) options.onLimited?.('body');
      if (status >= 500) req.log.error({ err, url: req.url }, 'request failed');
      // Plugins such as the rate limiter throw ready-made { errorType, error } bodies.
      const errorType =
        err.errorType ?? (status === 413 ? 'too_large' : status < 500 ? 'bad_data' : 'internal');
      const message =
        status === 413
          ? `request body too large: the limit is ${options.deps.config.limits.max_body_bytes} bytes (limits.max_body_bytes)`
          : (err.error ?? err.message);
      reply.code(status).send({ status: 'error', errorType, error: message });
    },
  );

  installSecurityHeaders(app);
  if (options.auth) {
    const tokens = options.auth;
    const sessions = new SessionStore();
    installAuth(app, tokens, sessions);
    await app.register(async (scope) => loginRoutes(scope, tokens, sessions, Boolean(tls)));
  }
  await installRateLimit(app, {
    requestsPerSecond: options.deps.config.limits.requests_per_second,
    onLimited: () => options.onLimited?.('rate'),
  });
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
