// POST /api/v1/import/prometheus and /api/v1/import/openmetrics: a body in
// that format, with explicit timestamps, imported in one commit. Answers the
// summary: { series, samples, minTime, maxTime, rejected: [{line, reason}],
// rejectedTotal, storage: {outOfOrder, duplicate, tooOld, invalid} }.
import type { FastifyInstance } from 'fastify';
import {
  ImportCaches,
  type IngestLimits,
  type IngestStats,
  type TextFormat,
  importText,
  utf8Text,
} from '../../ingest/index.js';
import type { ApiDeps } from '../deps.js';
import { answer, decodedBody } from './body.js';

export function importRoutes(
  app: FastifyInstance,
  deps: ApiDeps,
  limits: IngestLimits,
  stats: IngestStats,
): void {
  for (const format of ['prometheus', 'openmetrics'] as TextFormat[]) {
    const path = `import_${format}`;
    const caches = new ImportCaches();
    app.post(`/api/v1/import/${format}`, { bodyLimit: limits.maxBodyBytes }, async (req, reply) =>
      answer(
        reply,
        path,
        stats,
        async () => {
          const text = utf8Text(decodedBody(req, limits));
          const summary = await importText(deps.storage, text, { format, limits, stats, path, caches });
          return reply.code(200).send(summary);
        },
        deps.onLimited,
      ),
    );
  }
}
