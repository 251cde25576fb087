// The remote-store stage: sonde reading from (not writing to) a
// Prometheus-compatible store — PromQL sent as-is (RemoteQueryEngine) and the
// Storage seam's read side over the remote's API (RemoteStorage).
import type { RemoteStoreConfig } from './api.js';
import { RemoteQueryEngine } from './engine.js';
import { RemoteStorage } from './storage.js';

export { apiUrl, type RemoteStoreConfig, selectorFor } from './api.js';
export { BlockingHttp } from './blocking-http.js';
export { histogramFromApi, parseApiNumber, toQueryValue } from './convert.js';
export { RemoteQueryEngine } from './engine.js';
export { rollup } from './rollup.js';
export { READ_ONLY_MESSAGE, RemoteStorage, RemoteStoreReadOnlyError } from './storage.js';

/** Both halves for one `remote_store:` config; close() releases their connections and worker. */
export function createRemoteStore(config: RemoteStoreConfig): {
  engine: RemoteQueryEngine;
  storage: RemoteStorage;
  close(): Promise<void>;
} {
  const engine = new RemoteQueryEngine(config);
  const storage = new RemoteStorage(config);
  return {
    engine,
    storage,
    async close() {
      engine.close();
      await storage.close();
    },
  };
}
