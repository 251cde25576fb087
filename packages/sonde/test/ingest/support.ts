// A Fastify app carrying only the ingest routes over a MemoryStorage, wired
// the way api/server.ts registers route plugins.
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { type IngestRouteOptions, ingestRoutes } from '../../src/api/ingest/index.js';
import type { ApiDeps } from '../../src/api/deps.js';
import type { SondeConfig } from '../../src/config/schema.js';
import { IngestStats } from '../../src/ingest/index.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import type { Storage } from '../../src/storage/types.js';

export interface IngestApp {
  readonly app: FastifyInstance;
  readonly storage: Storage;
  readonly stats: IngestStats;
  /** Every limit a request was refused by, in order (what sonde_http_limited_requests_total counts). */
  readonly limited: string[];
}

export async function ingestApp(
  options: IngestRouteOptions = {},
  storage: Storage = new MemoryStorage(),
  config: Partial<SondeConfig> = {},
): Promise<IngestApp> {
  const stats = options.stats ?? new IngestStats();
  const limited: string[] = [];
  const deps: ApiDeps = {
    config: config as SondeConfig,
    storage,
    engine: {} as ApiDeps['engine'],
    logger: pino({ level: 'silent' }),
    startedAt: Date.now(),
    onLimited: (limit) => void limited.push(limit),
  };
  const app = Fastify({ logger: false });
  // A sibling route with Fastify's default JSON parsing, to prove the ingest scope does not leak.
  app.post('/other', async (req) => ({ parsed: req.body }));
  const plugin = ingestRoutes({ ...options, stats });
  await app.register(async (scope) => plugin(scope, deps));
  await app.ready();
  return { app, storage, stats, limited };
}

export function selectAll(storage: Storage, name: string) {
  const q = storage.querier();
  try {
    return [...q.select([{ type: '=', name: '__name__', value: name }], -Infinity, Infinity)];
  } finally {
    q.close();
  }
}
