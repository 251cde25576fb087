// Liveness and readiness, as Prometheus answers them.
import type { FastifyInstance } from 'fastify';

export function healthRoutes(app: FastifyInstance, isReady: () => boolean): void {
  app.get('/-/healthy', async (_req, reply) => reply.type('text/plain').send('sonde is Healthy.\n'));
  app.get('/-/ready', async (_req, reply) => {
    if (isReady()) return reply.type('text/plain').send('sonde is Ready.\n');
    return reply
      .code(503)
      .type('text/plain')
      .send('sonde is not ready: storage or collection is starting.\n');
  });
}
