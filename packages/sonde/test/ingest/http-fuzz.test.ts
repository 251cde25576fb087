// Whatever arrives at an ingest route, the answer is a deliberate one (2xx,
// 400, 413, 415 or 422), never a 500 or a crash.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { snappyCompress } from '../../src/ingest/index.js';
import { type IngestApp, ingestApp } from './support.js';

const ROUTES = [
  '/api/v1/write',
  '/v1/metrics',
  '/api/sonde/v1/push',
  '/api/v1/import/prometheus',
  '/api/v1/import/openmetrics',
];
const TYPES = [
  'application/x-protobuf',
  'application/json',
  'text/plain',
  'application/openmetrics-text',
  'x/y',
  '',
];
const ENCODINGS = ['', 'gzip', 'snappy', 'deflate', 'br'];

describe('ingest routes under arbitrary input', () => {
  let t: IngestApp;
  before(async () => {
    t = await ingestApp({
      limits: { maxBodyBytes: 4096, maxDecompressedBytes: 8192, maxSamplesPerRequest: 50 },
    });
  });
  after(() => t.app.close());

  it('answer every body with a deliberate status', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.constantFrom(...TYPES),
        fc.constantFrom(...ENCODINGS),
        fc.oneof(
          fc.uint8Array({ maxLength: 600 }),
          fc.string({ maxLength: 300 }).map((s) => new Uint8Array(Buffer.from(s))),
          fc.jsonValue({ maxDepth: 4 }).map((j) => new Uint8Array(Buffer.from(JSON.stringify(j)))),
        ),
        fc.boolean(),
        async (url, type, encoding, bytes, encode) => {
          let payload = Buffer.from(bytes);
          if (encode && encoding === 'gzip') payload = gzipSync(payload);
          if (encode && encoding === 'snappy') payload = snappyCompress(payload);
          const headers: Record<string, string> = {};
          if (type) headers['content-type'] = type;
          if (encoding) headers['content-encoding'] = encoding;
          const res = await t.app.inject({ method: 'POST', url, headers, payload });
          assert.ok(
            [200, 204, 400, 413, 415, 422].includes(res.statusCode),
            `${url} ${type} ${encoding}: ${res.statusCode} ${res.body}`,
          );
          if (res.statusCode >= 400) assert.ok(res.json().error.length > 0);
        },
      ),
      { numRuns: 400 },
    );
  });
});
