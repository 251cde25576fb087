// The ingest routes, one encapsulated Fastify scope: raw-body parsers for
// protobuf, OpenMetrics, text and JSON are registered here only, so the
// other route groups keep Fastify's defaults.
import {
  type IngestConfigSection,
  IngestStats,
  type IngestLimits,
  limitsFromConfig,
} from '../../ingest/index.js';
import type { RoutePlugin } from '../deps.js';
import { installRawBodies } from './body.js';
import { importRoutes } from './import-routes.js';
import { otlpRoutes } from './otlp-route.js';
import { pushRoutes } from './push-route.js';
import { remoteWriteRoutes } from './remote-write-route.js';

export interface IngestRouteOptions {
  /** Overrides of the limits; the rest come from the config's `ingest:` section. */
  readonly limits?: Partial<IngestLimits>;
  /** Counters to render into sonde's /metrics; one is made when not given. */
  readonly stats?: IngestStats;
}

/**
 * Every ingest route: POST /api/v1/import/{prometheus,openmetrics},
 * /api/v1/write (remote_write), /v1/metrics (OTLP/HTTP) and
 * /api/sonde/v1/push (the SDK's push format).
 */
export function ingestRoutes(options: IngestRouteOptions = {}): RoutePlugin {
  const stats = options.stats ?? new IngestStats();
  return (app, deps) => {
    const fromConfig = limitsFromConfig(
      (deps.config as { ingest?: IngestConfigSection } | undefined)?.ingest,
    );
    const limits: IngestLimits = { ...fromConfig, ...options.limits };
    installRawBodies(app, limits, deps.onLimited);
    importRoutes(app, deps, limits, stats);
    remoteWriteRoutes(app, deps, limits, stats);
    otlpRoutes(app, deps, limits, stats);
    pushRoutes(app, deps, limits, stats);
  };
}
