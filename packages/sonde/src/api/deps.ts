// What every HTTP route plugin receives: the wired parts of one running sonde.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { SondeConfig } from '../config/schema.js';
import type { QueryEngine } from '../query/types.js';
import type { Storage } from '../storage/types.js';
import type { QuerySlots } from './query-slots.js';

/** What a limit-refused request is counted as in `sonde_http_limited_requests_total{limit}`. */
export type LimitName =
  | 'rate'
  | 'body'
  | 'decompressed_body'
  | 'samples_per_request'
  | 'series_per_request'
  | 'query_concurrency';

export interface ApiDeps {
  readonly config: SondeConfig;
  readonly storage: Storage;
  readonly engine: QueryEngine;
  readonly logger: Logger;
  /** Unix ms when this process started. */
  readonly startedAt: number;
  /** The concurrent-query limit the query API evaluates under; none: no limit. */
  readonly querySlots?: QuerySlots;
  /** Counts a request refused by a limit, for sonde's own metrics. */
  readonly onLimited?: (limit: LimitName) => void;
}

/** A group of routes; registered once by api/server.ts. */
export type RoutePlugin = (app: FastifyInstance, deps: ApiDeps) => void | Promise<void>;
