// Fastify 5 plugin: `await app.register(fastifyMetrics, opts)`. Applies to
// every route (it skips encapsulation); the route is Fastify's route url
// template; thrown errors are labelled with their class.
import type { IncomingMessage } from 'node:http';
import { errorClass, HttpMetrics, type HttpMetricsOptions, type RequestState } from './common.js';

interface FastifyRequestLike {
  raw: IncomingMessage;
  method: string;
  routeOptions?: { url?: string };
}
interface FastifyReplyLike {
  statusCode: number;
}
interface FastifyLike {
  addHook(
    name: 'onRequest',
    fn: (req: FastifyRequestLike, reply: FastifyReplyLike) => Promise<void>,
  ): unknown;
  addHook(
    name: 'onResponse',
    fn: (req: FastifyRequestLike, reply: FastifyReplyLike) => Promise<void>,
  ): unknown;
  addHook(
    name: 'onError',
    fn: (req: FastifyRequestLike, reply: FastifyReplyLike, err: Error) => Promise<void>,
  ): unknown;
}

const STATE = Symbol('sonde.request');

async function plugin(app: FastifyLike, opts: HttpMetricsOptions = {}): Promise<void> {
  const metrics = HttpMetrics.for(opts);
  app.addHook('onRequest', async (req) => {
    (req as unknown as Record<symbol, RequestState>)[STATE] = metrics.begin(req.method, req, req.raw);
  });
  app.addHook('onError', async (req, _reply, err) => {
    const s = (req as unknown as Record<symbol, RequestState | undefined>)[STATE];
    if (s) s.error ??= errorClass(err);
  });
  app.addHook('onResponse', async (req, reply) => {
    const s = (req as unknown as Record<symbol, RequestState | undefined>)[STATE];
    if (s) metrics.end(s, reply.statusCode, req.routeOptions?.url);
  });
}

// Like fastify-plugin: hooks apply to the whole app, not an encapsulated child.
(plugin as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')] = true;
(plugin as unknown as Record<symbol, unknown>)[Symbol.for('fastify.display-name')] = 'sonde-metrics';
(plugin as unknown as Record<string, unknown>)[Symbol.for('plugin-meta') as unknown as string] = {
  name: 'sonde-metrics',
  fastify: '5.x',
};

export const fastifyMetrics = plugin;
