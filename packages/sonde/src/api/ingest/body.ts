// Request bodies for the ingest routes, inside their own Fastify scope: every
// content type arrives as a raw Buffer (protobuf, OpenMetrics, text, JSON
// that may be gzipped), Content-Encoding gzip/deflate is undone with the
// decompressed size bounded (ingest.max_decompressed_bytes, by default the
// body limit, so a small bomb cannot expand past what an uncompressed body
// may be), and errors answer with a message naming the limit or the problem;
// every refusal by a limit is counted in sonde's own metrics.
import { gunzipSync, inflateSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LimitName } from '../deps.js';
import {
  IngestInputError,
  IngestLimitError,
  type IngestLimits,
  type IngestStats,
} from '../../ingest/index.js';

export function installRawBodies(
  app: FastifyInstance,
  limits: IngestLimits,
  onLimited?: (limit: LimitName) => void,
): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limits.maxBodyBytes }, (_req, body, done) =>
    done(null, body),
  );
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err, url: req.url }, 'ingest request failed');
    const tooLarge = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE';
    if (tooLarge) onLimited?.('body');
    const message = tooLarge
      ? `request body is larger than ${limits.maxBodyBytes} bytes (ingest.max_body_bytes)`
      : err.message;
    sendError(reply, status, message);
  });
}

export function sendError(reply: FastifyReply, status: number, message: string): FastifyReply {
  const errorType =
    status === 413
      ? 'too_large'
      : status === 422
        ? 'limit_exceeded'
        : status === 503
          ? 'unavailable'
          : status < 500
            ? 'bad_data'
            : 'internal';
  return reply.code(status).type('application/json').send({ status: 'error', errorType, error: message });
}

/** The body as sent, with gzip or deflate undone; `allowed` lists other encodings the caller handles. */
export function decodedBody(
  req: FastifyRequest,
  limits: IngestLimits,
  allowed: readonly string[] = [],
): Buffer {
  const body = req.body;
  const raw = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
  const encoding = String(req.headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  if (encoding === 'identity' || encoding === '' || allowed.includes(encoding)) return raw;
  if (encoding !== 'gzip' && encoding !== 'x-gzip' && encoding !== 'deflate') {
    throw new IngestInputError(`unsupported Content-Encoding "${encoding}" (use gzip, deflate or none)`);
  }
  try {
    const opts = { maxOutputLength: limits.maxDecompressedBytes };
    return encoding === 'deflate' ? inflateSync(raw, opts) : gunzipSync(raw, opts);
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new IngestLimitError(
        413,
        `decompressed body is larger than ${limits.maxDecompressedBytes} bytes (ingest.max_decompressed_bytes)`,
      );
    }
    throw new IngestInputError(`body is not valid ${encoding}: ${(err as Error).message}`);
  }
}

/** Which limit an ingest limit error names, by the setting its message cites. */
const LIMIT_BY_SETTING: Record<string, LimitName> = {
  'ingest.max_decompressed_bytes': 'decompressed_body',
  'ingest.max_body_bytes': 'body',
  'ingest.max_samples_per_request': 'samples_per_request',
  'ingest.max_series_per_request': 'series_per_request',
};

function limitOf(err: IngestLimitError): LimitName {
  const setting = /\((ingest\.\w+)\)/.exec(err.message)?.[1] ?? '';
  return LIMIT_BY_SETTING[setting] ?? (err.status === 413 ? 'body' : 'samples_per_request');
}

/** Runs an ingest handler; known input and limit errors become 400/413/422 answers, counted. */
export async function answer(
  reply: FastifyReply,
  path: string,
  stats: IngestStats,
  handle: () => Promise<unknown>,
  onLimited?: (limit: LimitName) => void,
): Promise<FastifyReply> {
  try {
    await handle();
    stats.addRequest(path, reply.statusCode);
    return reply;
  } catch (err) {
    if (err instanceof IngestLimitError) {
      stats.addRequest(path, err.status);
      onLimited?.(limitOf(err));
      return sendError(reply, err.status, err.message);
    }
    if (err instanceof IngestInputError) {
      stats.addRequest(path, 400);
      return sendError(reply, 400, err.message);
    }
    const code = (err as { code?: string }).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      // Disk full: nothing was stored; the sender should retry once space returns. Reads go on.
      stats.addRequest(path, 503);
      reply.header('Retry-After', '30');
      return sendError(reply, 503, (err as Error).message);
    }
    stats.addRequest(path, 500);
    throw err;
  }
}
