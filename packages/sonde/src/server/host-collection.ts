// Collecting this host (and sonde's own process, watched processes, probes)
// every interval into the store, with the labels node_exporter data carries
// when Prometheus scrapes it (instance, job).
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { createCollectors } from '../collect/all.js';
import { appendFamilies, createCollectionLoop } from '../collect/index.js';
import { type SondeConfig, parseDuration } from '../config/index.js';
import type { Storage } from '../storage/types.js';

export interface HostCollection {
  /** True once a cycle has been stored. */
  readonly stored: boolean;
  start(): void;
  stop(): Promise<void>;
}

export async function createHostCollection(
  config: SondeConfig,
  storage: Storage,
  logger: Logger,
): Promise<HostCollection> {
  const { collectors, off } = await createCollectors(config.collect);
  if (off.length > 0) logger.info({ off: off.map((o) => `${o.name}: ${o.reason}`) }, 'collectors off');
  const labels = Object.freeze({ instance: hostname(), job: 'sonde' });
  let stored = false;
  const loop = createCollectionLoop({
    collectors,
    intervalMs: parseDuration(config.collect.interval),
    timeoutMs: parseDuration(config.collect.timeout),
    logger,
    async onCycle(families, tMs) {
      const appender = storage.appender();
      appendFamilies(appender, families, tMs, labels);
      try {
        const result = await appender.commit();
        if (result.accepted > 0) stored = true;
      } catch (err) {
        logger.error({ err }, 'could not store a collection cycle');
      }
    },
  });
  return {
    get stored() {
      return stored;
    },
    start: () => loop.start(),
    async stop() {
      await loop.stop();
      for (const c of collectors) c.close?.();
    },
  };
}
