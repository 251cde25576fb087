// POST /api/sonde/v1/push: the SDK's push format (see ingest/push.ts).
// 200 with the summary; 400 naming the invalid field; 415 for a body that
// is not JSON.
import type { FastifyInstance } from 'fastify';
import {
  type IngestLimits,
  IngestInputError,
  type IngestStats,
  parsePushBody,
  storePush,
  utf8Text,
} from '../../ingest/index.js';
import type { ApiDeps } from '../deps.js';
import { answer, decodedBody, sendError } from './body.js';

export function pushRoutes(
  app: FastifyInstance,
  deps: ApiDeps,
  limits: IngestLimits,
  stats: IngestStats,
): void {
  app.post('/api/sonde/v1/push', { bodyLimit: limits.maxBodyBytes }, async (req, reply) =>
    answer(
      reply,
      'push',
      stats,
      async () => {
        const type = String(req.headers['content-type'] ?? '').toLowerCase();
        if (!type.startsWith('application/json')) {
          return sendError(
            reply,
            415,
            `unsupported Content-Type "${type}": the push format is application/json`,
          );
        }
        let json: unknown;
        try {
          json = JSON.parse(utf8Text(decodedBody(req, limits)));
        } catch (err) {
          if (!(err instanceof SyntaxError)) throw err;
          throw new IngestInputError(`body is not JSON: ${err.message}`);
        }
        const summary = await storePush(deps.storage, parsePushBody(json), { limits, stats });
        return reply.code(200).send(summary);
      },
      deps.onLimited,
    ),
  );
}
