// Where samples go and where reads come from, by mode:
//   server (default)   embedded store, also forwarded to every remote_write
//   agent              no local store: everything forwarded to remote_write
//   remote_store       reads and PromQL from a remote Prometheus-compatible store;
//                      what sonde collects or receives is forwarded to remote_write
import type { Logger } from 'pino';
import { type SondeConfig, parseDuration } from '../config/index.js';
import { type RemoteWriter, createRemoteWriters, forwardOnly, withForwarding } from '../forward/index.js';
import { createQueryEngine, engineOptionsFromConfig } from '../query/index.js';
import type { QueryEngine } from '../query/types.js';
import { createRemoteStore } from '../remote-store/index.js';
import { type EmbeddedStorage, type Storage, openStorage } from '../storage/index.js';

export interface DataPlane {
  /** Reads from where the data is, appends to where it goes. */
  readonly storage: Storage;
  readonly engine: QueryEngine;
  /** The embedded store, when there is one (retention changes, recovery figures). */
  readonly local: EmbeddedStorage | null;
  readonly writers: readonly RemoteWriter[];
  readonly mode: 'server' | 'agent' | 'remote_store';
  close(): Promise<void>;
}

/** One Storage whose appender writes to `write` and whose every other part reads `read`. */
function readFromWriteTo(read: Storage, write: Storage): Storage {
  return new Proxy(read, {
    get(target, prop, receiver) {
      if (prop === 'appender') return () => write.appender();
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export async function openDataPlane(config: SondeConfig, logger: Logger): Promise<DataPlane> {
  if (config.agent && config.remote_write.length === 0) {
    throw new Error(
      'agent mode forwards everything to remote_write, but no remote_write url is configured (--remote-write URL)',
    );
  }
  const writers = createRemoteWriters(config, logger.child({ component: 'remote_write' }));
  const remote = config.remote_store && !config.agent ? createRemoteStore(config.remote_store) : null;
  if (remote && writers.length === 0) {
    logger.warn(
      'remote_store is set but remote_write is not: what sonde collects will not be stored anywhere',
    );
  }
  const local =
    config.agent || remote
      ? null
      : await openStorage({
          dir: config.data_dir,
          retention: {
            raw: parseDuration(config.storage.retention_raw),
            '1m': parseDuration(config.storage.retention_1m),
            '1h': parseDuration(config.storage.retention_1h),
          },
          outOfOrderWindowMs: parseDuration(config.storage.out_of_order_window),
          ...(config.storage.block_range ? { blockRangeMs: parseDuration(config.storage.block_range) } : {}),
          ...(config.storage.max_bytes ? { maxBytes: config.storage.max_bytes } : {}),
          logger: logger.child({ component: 'storage' }),
        });
  if (local) logger.info({ recoveryMs: local.recoveryMs, series: local.stats().series }, 'storage open');
  const written = local ? withForwarding(local, writers) : forwardOnly(writers);
  const storage = remote ? readFromWriteTo(remote.storage, written) : written;
  for (const w of writers) w.start();
  return {
    storage,
    engine: remote?.engine ?? createQueryEngine(storage, engineOptionsFromConfig(config.query)),
    local,
    writers,
    mode: config.agent ? 'agent' : remote ? 'remote_store' : 'server',
    async close() {
      await written.close();
      await remote?.close();
      await Promise.all(writers.map((w) => w.stop()));
    },
  };
}
