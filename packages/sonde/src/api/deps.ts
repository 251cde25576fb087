// What every HTTP route plugin receives: the wired parts of one running sonde.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { SondeConfig } from '../config/schema.js';
import type { QueryEngine } from '../query/types.js';
import type { Storage } from '../storage/types.js';

export interface ApiDeps {
  readonly config: SondeConfig;
  readonly storage: Storage;
  readonly engine: QueryEngine;
  readonly logger: Logger;
  /** Unix ms when this process started. */
  readonly startedAt: number;
}

/** A group of routes; registered once by api/server.ts. */
export type RoutePlugin = (app: FastifyInstance, deps: ApiDeps) => void | Promise<void>;
