// A request budget per client (token, or address when there is none),
// answered with 429 and Retry-After past it. Off unless configured.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface RateLimitOptions {
  /** Requests per second each client may make; 0 turns the limit off. */
  readonly requestsPerSecond: number;
  /** Called each time a request is refused, for sonde's own metrics. */
  readonly onLimited?: () => void;
}

function clientKey(req: FastifyRequest): string {
  const auth = req.headers.authorization ?? '';
  const id = /sonde_([0-9a-f]{8})_/.exec(auth)?.[1];
  return id ? `${req.ip}|${id}` : req.ip;
}

export async function installRateLimit(app: FastifyInstance, options: RateLimitOptions): Promise<void> {
  if (options.requestsPerSecond <= 0) return;
  const perSecond = options.requestsPerSecond;
  await app.register(rateLimit, {
    global: true,
    max: perSecond,
    timeWindow: 1000,
    keyGenerator: clientKey,
    allowList: (req) => req.url === '/-/healthy' || req.url === '/-/ready',
    onExceeded: () => options.onLimited?.(),
    errorResponseBuilder: (_req, context) => ({
      statusCode: 429,
      status: 'error',
      errorType: 'rate_limited',
      error: `rate limit exceeded: at most ${perSecond} requests per second per client (limits.requests_per_second); retry after ${context.after}`,
    }),
  });
}
