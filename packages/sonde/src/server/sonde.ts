// The one place that wires a running sonde together (as Prometheus's
// tsdb/db.go does for its store): data plane (store, forwarding or a remote
// store) → collection and scraping → query → analytics and alerting → HTTP,
// and the orderly shutdown in reverse.
import type { Server as HttpsServer } from 'node:https';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { type Alerting, createAlerting, formatRuleProblem } from '../alerting/index.js';
import { AnomalyService } from '../analytics/anomaly/index.js';
import { registerAnalyticsFunctions } from '../analytics/promql-functions.js';
import { alertingRoutes } from '../api/alerting/index.js';
import { analyticsRoutes } from '../api/analytics/index.js';
import { TokenStore } from '../api/auth/index.js';
import type { RoutePlugin } from '../api/deps.js';
import { ingestRoutes } from '../api/ingest/index.js';
import { createLiveRoutes } from '../api/live/index.js';
import { prometheusApi } from '../api/prometheus/index.js';
import { QuerySlots } from '../api/query-slots.js';
import { createApiServer } from '../api/server.js';
import { storageRoutes } from '../api/storage/index.js';
import { reloadTls } from '../api/tls.js';
import { type SondeConfig, parseDuration } from '../config/index.js';
import { IngestStats } from '../ingest/index.js';
import type { QueryEngine } from '../query/types.js';
import { createScrapeManager, targetsApi } from '../scrape/index.js';
import type { Storage } from '../storage/index.js';
import { openDataPlane } from './data-plane.js';
import { authRequired, exposureProblem, isLoopbackHost } from './exposure.js';
import { createHostCollection } from './host-collection.js';
import { createSelfMetrics } from './self-metrics.js';

export interface RunningSonde {
  readonly url: string;
  readonly storage: Storage;
  readonly engine: QueryEngine;
  readonly http: FastifyInstance;
  /** Re-reads what can change without a restart: TLS certificate files and rule files. */
  reload(): Promise<void>;
  /** Stops collection, closes the HTTP server, flushes and closes storage. Idempotent. */
  stop(reason: string): Promise<void>;
}

export interface StartOptions {
  /** Directory of the config file: relative rule_files are resolved against it. */
  readonly configDir?: string;
}

function splitListen(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(':');
  return { host: listen.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(listen.slice(i + 1)) };
}

export async function startSonde(
  config: SondeConfig,
  logger: Logger,
  options: StartOptions = {},
): Promise<RunningSonde> {
  const { host, port } = splitListen(config.listen);
  const tokens = await TokenStore.open(config.data_dir);
  const problem = exposureProblem(host, config.insecure, tokens.size);
  if (problem) throw new Error(problem);
  const checkTokens = authRequired(host, tokens.size, config.auth.required_on_loopback);
  if (!checkTokens && !isLoopbackHost(host)) {
    logger.warn({ listen: config.listen }, 'INSECURE: listening beyond loopback without authentication');
  }
  const startedAt = Date.now();
  registerAnalyticsFunctions();

  const data = await openDataPlane(config, logger);
  const { storage, engine } = data;
  const ingestStats = new IngestStats();
  const live = createLiveRoutes();
  const plugins: RoutePlugin[] = [
    prometheusApi,
    ingestRoutes({ stats: ingestStats }),
    live,
    analyticsRoutes,
    storageRoutes(data.local ?? storage),
  ];

  const scraper = createScrapeManager({
    configs: config.scrape_configs,
    storage,
    logger: logger.child({ component: 'scrape' }),
  });
  plugins.push(targetsApi(scraper));

  const alerting: Alerting | null =
    data.mode === 'agent'
      ? null
      : createAlerting({
          config,
          engine,
          storage,
          dataDir: config.data_dir,
          logger: logger.child({ component: 'alerting' }),
          ...(options.configDir ? { baseDir: options.configDir } : {}),
        });
  if (alerting) {
    plugins.push(alertingRoutes(alerting));
    for (const p of await alerting.start()) {
      logger.error({ problem: formatRuleProblem(p) }, 'rule file problem; its rules are not loaded');
    }
  }
  const anomalyLog = logger.child({ component: 'anomaly' });
  const anomalies =
    data.mode === 'server'
      ? new AnomalyService({ storage, onError: (err) => anomalyLog.warn({ err }, 'anomaly scoring failed') })
      : null;

  let http: FastifyInstance | null = null;
  const reload = async () => {
    if (config.tls && http) {
      reloadTls(http.server as unknown as HttpsServer, {
        certFile: config.tls.cert_file,
        keyFile: config.tls.key_file,
      });
      logger.info('TLS certificate reloaded');
    }
    if (alerting) {
      const r = await alerting.reload();
      if (!r.ok)
        throw new Error(
          `rule files have problems, kept the running rules: ${r.problems.map(formatRuleProblem).join('; ')}`,
        );
      logger.info('rule files reloaded');
    }
  };
  plugins.push((app) => {
    app.post('/-/reload', async (_req, reply) => {
      try {
        await reload();
        return reply.send({ status: 'success' });
      } catch (err) {
        return reply.code(500).send({ status: 'error', errorType: 'reload', error: (err as Error).message });
      }
    });
  });

  const collection = await createHostCollection(config, storage, logger.child({ component: 'collect' }));
  const querySlots = new QuerySlots({
    max: config.query.max_concurrency,
    maxWaitMs: parseDuration(config.query.max_queue_wait),
    onRefused: () => self.limited('query_concurrency'),
  });
  const local = data.local;
  const self = createSelfMetrics({
    queries: () => querySlots.stats(),
    ...(local ? { head: () => local.headUsage() } : {}),
    storage,
    writers: data.writers,
    ingest: ingestStats,
    ...(live.stats ? { live: live.stats } : {}),
  });
  let ready = false;
  http = await createApiServer({
    deps: { config, storage, engine, logger, startedAt, querySlots, onLimited: self.limited },
    plugins,
    isReady: () => ready && collection.stored,
    selfMetrics: self.render,
    onLimited: self.limited,
    ...(checkTokens ? { auth: tokens } : {}),
  });
  await http.listen({ host, port });
  const address = http.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const url = `${config.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
  collection.start();
  await scraper.start();
  anomalies?.start();
  ready = true;
  logger.info(
    {
      url,
      dataDir: config.data_dir,
      interval: config.collect.interval,
      auth: checkTokens ? 'tokens' : 'none (loopback)',
      mode: data.mode,
      remoteWrite: data.writers.map((w) => w.stats().target),
    },
    'listening',
  );

  const server = http;
  let stopping: Promise<void> | null = null;
  return {
    url,
    storage,
    engine,
    http: server,
    reload,
    stop(reason: string) {
      stopping ??= (async () => {
        ready = false;
        logger.info({ reason }, 'shutting down');
        await collection.stop();
        await scraper.stop();
        await anomalies?.stop();
        await alerting?.stop();
        await server.close();
        await data.close();
        logger.info('stopped cleanly');
      })();
      return stopping;
    },
  };
}
