// POST /api/v1/write: the Prometheus remote_write 1.0 receiver. 204 once the
// request's samples are durable; 400 with the reason for a body that cannot
// be read (the sender then drops it instead of retrying); 413 past the size
// limits.
import type { FastifyInstance } from 'fastify';
import { type IngestLimits, type IngestStats, RemoteWriteReceiver } from '../../ingest/index.js';
import type { ApiDeps } from '../deps.js';
import { answer, sendError } from './body.js';

export function remoteWriteRoutes(
  app: FastifyInstance,
  deps: ApiDeps,
  limits: IngestLimits,
  stats: IngestStats,
): void {
  const receiver = new RemoteWriteReceiver(deps.storage, { limits, stats });
  app.post('/api/v1/write', { bodyLimit: limits.maxBodyBytes }, async (req, reply) =>
    answer(
      reply,
      'remote_write',
      stats,
      async () => {
        const type = String(req.headers['content-type'] ?? '');
        if (type.includes('io.prometheus.write.v2')) {
          // A 2.0 sender falls back to 1.0 on 415.
          return sendError(
            reply,
            415,
            'remote_write 2.0 is not supported; send remote_write 1.0 (prometheus.WriteRequest)',
          );
        }
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const summary = await receiver.receive(body);
        if (summary.rejectedTotal > 0) {
          req.log.debug(
            { rejected: summary.rejectedTotal, first: summary.rejected[0] },
            'remote_write samples rejected',
          );
        }
        return reply.code(204).send();
      },
      deps.onLimited,
    ),
  );
}
