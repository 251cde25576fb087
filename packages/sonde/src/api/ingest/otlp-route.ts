// POST /v1/metrics: the OTLP/HTTP metrics receiver, protobuf
// (application/x-protobuf) or JSON (application/json), optionally gzipped.
// 200 with an ExportMetricsServiceResponse in the request's encoding.
import type { FastifyInstance } from 'fastify';
import { type IngestLimits, type IngestStats, OtlpReceiver, encodeOtlpResponse } from '../../ingest/index.js';
import type { ApiDeps } from '../deps.js';
import { answer, decodedBody, sendError } from './body.js';

export function otlpRoutes(
  app: FastifyInstance,
  deps: ApiDeps,
  limits: IngestLimits,
  stats: IngestStats,
): void {
  const receiver = new OtlpReceiver(deps.storage, { limits, stats });
  app.post('/v1/metrics', { bodyLimit: limits.maxBodyBytes }, async (req, reply) =>
    answer(
      reply,
      'otlp',
      stats,
      async () => {
        const type = String(req.headers['content-type'] ?? '').toLowerCase();
        const encoding = type.startsWith('application/json')
          ? 'json'
          : type.startsWith('application/x-protobuf') || type.startsWith('application/protobuf')
            ? 'protobuf'
            : undefined;
        if (!encoding) {
          return sendError(
            reply,
            415,
            `unsupported Content-Type "${type}": use application/x-protobuf or application/json`,
          );
        }
        const result = await receiver.receive(decodedBody(req, limits), encoding);
        return reply
          .code(200)
          .type(encoding === 'json' ? 'application/json' : 'application/x-protobuf')
          .send(encodeOtlpResponse(result, encoding));
      },
      deps.onLimited,
    ),
  );
}
