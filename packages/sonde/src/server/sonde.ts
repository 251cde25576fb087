// The one place that wires a running sonde together (as Prometheus's
// tsdb/db.go does for its store): storage → collection → query → API, and
// the orderly shutdown in reverse.
import type { Server as HttpsServer } from 'node:https';
import type { FastifyInstance } from 'fastify';
import { reloadTls } from '../api/tls.js';
import type { Logger } from 'pino';
import { createApiServer } from '../api/server.js';
import type { RoutePlugin } from '../api/deps.js';
import { type SondeConfig, parseDuration } from '../config/index.js';
import { hostname } from 'node:os';
import { createCollectors } from '../collect/all.js';
import { appendFamilies, createCollectionLoop } from '../collect/index.js';
import { type Alerting, createAlerting, formatRuleProblem } from '../alerting/index.js';
import { alertingRoutes } from '../api/alerting/index.js';
import { analyticsRoutes } from '../api/analytics/index.js';
import { prometheusApi } from '../api/prometheus/index.js';
import { storageRoutes } from '../api/storage/index.js';
import { ingestRoutes } from '../api/ingest/index.js';
import { createLiveRoutes } from '../api/live/index.js';
import { IngestStats } from '../ingest/index.js';
import { createQueryEngine } from '../query/index.js';
import type { QueryEngine } from '../query/types.js';
import { type EmbeddedStorage, type Storage, openStorage } from '../storage/index.js';
import { TokenStore } from '../api/auth/index.js';
import { createRemoteWriters, forwardOnly, withForwarding } from '../forward/index.js';
import { authRequired, exposureProblem, isLoopbackHost as isLoopback } from './exposure.js';
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

function splitListen(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(':');
  return { host: listen.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(listen.slice(i + 1)) };
}

export interface StartOptions {
  /** Directory of the config file: relative rule_files are resolved against it. */
  readonly configDir?: string;
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
  if (!checkTokens && !isLoopback(host)) {
    logger.warn({ listen: config.listen }, 'INSECURE: listening beyond loopback without authentication');
  }
  const startedAt = Date.now();
  let ready = false;
  if (config.agent && config.remote_write.length === 0) {
    throw new Error(
      'agent mode forwards everything to remote_write, but no remote_write url is configured (--remote-write URL)',
    );
  }
  const writers = createRemoteWriters(config, logger.child({ component: 'remote_write' }));
  const local: EmbeddedStorage | null = config.agent
    ? null
    : await openStorage({
        dir: config.data_dir,
        retention: {
          raw: parseDuration(config.storage.retention_raw),
          '1m': parseDuration(config.storage.retention_1m),
          '1h': parseDuration(config.storage.retention_1h),
        },
        outOfOrderWindowMs: parseDuration(config.storage.out_of_order_window),
        ...(config.storage.max_bytes ? { maxBytes: config.storage.max_bytes } : {}),
        logger: logger.child({ component: 'storage' }),
      });
  if (local) logger.info({ recoveryMs: local.recoveryMs, series: local.stats().series }, 'storage open');
  const storage: Storage = local ? withForwarding(local, writers) : forwardOnly(writers);
  for (const w of writers) w.start();
  const engine: QueryEngine = createQueryEngine(storage);
  const ingestStats = new IngestStats();
  const live = createLiveRoutes();
  const plugins: RoutePlugin[] = [
    prometheusApi,
    ingestRoutes({ stats: ingestStats }),
    live,
    analyticsRoutes,
    storageRoutes(local ?? storage),
  ];
  const self = createSelfMetrics({
    storage,
    writers,
    ingest: ingestStats,
    ...(live.stats ? { live: live.stats } : {}),
  });

  const alerting: Alerting | null = config.agent
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
    const problems = await alerting.start();
    for (const p of problems)
      logger.error({ problem: formatRuleProblem(p) }, 'rule file problem; its rules are not loaded');
  }
  const reload = async () => {
    if (config.tls) {
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

  const collectLog = logger.child({ component: 'collect' });
  const { collectors, off } = await createCollectors(config.collect);
  if (off.length > 0) collectLog.info({ off: off.map((o) => `${o.name}: ${o.reason}`) }, 'collectors off');
  const hostLabels = Object.freeze({ instance: hostname(), job: 'sonde' });
  let collectedOnce = false;
  const collection = createCollectionLoop({
    collectors,
    intervalMs: parseDuration(config.collect.interval),
    timeoutMs: parseDuration(config.collect.timeout),
    logger: collectLog,
    async onCycle(families, tMs) {
      const appender = storage.appender();
      appendFamilies(appender, families, tMs, hostLabels);
      try {
        const result = await appender.commit();
        if (result.accepted > 0) collectedOnce = true;
      } catch (err) {
        collectLog.error({ err }, 'could not store a collection cycle');
      }
    },
  });
  const deps = { config, storage, engine, logger, startedAt };

  const http = await createApiServer({
    deps,
    plugins,
    isReady: () => ready && collectedOnce,
    selfMetrics: self.render,
    onLimited: self.limited,
    ...(checkTokens ? { auth: tokens } : {}),
  });
  await http.listen({ host, port });
  const address = http.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const scheme = config.tls ? 'https' : 'http';
  const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
  const intervalMs = parseDuration(config.collect.interval);
  collection.start();
  ready = true;
  logger.info(
    {
      url,
      dataDir: config.data_dir,
      intervalMs,
      auth: checkTokens ? 'tokens' : 'none (loopback)',
      mode: config.agent ? 'agent' : 'server',
      remoteWrite: writers.map((w) => w.stats().target),
    },
    'listening',
  );

  let stopping: Promise<void> | null = null;
  return {
    url,
    storage,
    engine,
    http,
    reload,
    stop(reason: string) {
      stopping ??= (async () => {
        ready = false;
        logger.info({ reason }, 'shutting down');
        await collection.stop();
        await alerting?.stop();
        for (const c of collectors) c.close?.();
        await http.close();
        await storage.close();
        await Promise.all(writers.map((w) => w.stop()));
        logger.info('stopped cleanly');
      })();
      return stopping;
    },
  };
}
