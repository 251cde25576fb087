// sonde's own /metrics: its runtime (through @sonde/sdk, the same code apps
// use) plus what its stages count — storage, ingest, forwarding, the live
// stream and the limits — read when scraped, never kept twice.
import { Counter, Gauge, Registry, collectDefaultMetrics } from '@sonde/sdk';
import type { LimitName } from '../api/deps.js';
import type { RemoteWriter } from '../forward/index.js';
import type { IngestStats } from '../ingest/index.js';
import type { Storage } from '../storage/types.js';
import { SONDE_VERSION } from '../version.js';

export interface SelfMetricSources {
  readonly storage: Storage;
  readonly writers: readonly RemoteWriter[];
  readonly ingest?: IngestStats;
  readonly live?: () => { streams: number; queries: number };
  /** The embedded store's head: series and bytes of samples held in memory. */
  readonly head?: () => { series: number; sampleBytes: number };
  /** The query API's concurrency: evaluating, waiting for a slot, and the limit. */
  readonly queries?: () => { running: number; waiting: number; max: number };
}

export interface SelfMetrics {
  render(): Promise<{ contentType: string; body: string }>;
  /** Counts a request refused by a limit. */
  limited(limit: LimitName): void;
}

export function createSelfMetrics(sources: SelfMetricSources): SelfMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'sonde_build_info',
    help: 'sonde version, always 1.',
    labelNames: ['version', 'node'],
    registers: [registry],
  })
    .labels(SONDE_VERSION, process.versions.node)
    .set(1);
  const limited = new Counter({
    name: 'sonde_http_limited_requests_total',
    help: 'HTTP requests refused by a limit.',
    labelNames: ['limit'],
    registers: [registry],
  });
  /** A gauge read when scraped. */
  const observed = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  observed('sonde_storage_series', 'Series in the store.', () => sources.storage.stats().series);
  observed(
    'sonde_storage_samples_appended',
    'Samples appended to the store since start.',
    () => sources.storage.stats().samplesAppended,
  );
  observed(
    'sonde_storage_bytes_on_disk',
    'Bytes the store takes on disk, all tiers.',
    () => sources.storage.stats().bytesOnDisk,
  );
  const remote = (name: string, help: string, pick: (w: ReturnType<RemoteWriter['stats']>) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['url'],
      registers: [registry],
      collect() {
        for (const w of sources.writers) {
          const s = w.stats();
          this.labels(s.target).set(pick(s));
        }
      },
    });
  remote(
    'sonde_remote_write_samples_sent',
    'Samples delivered to the remote since start.',
    (s) => s.samplesSent,
  );
  remote(
    'sonde_remote_write_samples_dropped',
    'Samples the remote refused (4xx) since start.',
    (s) => s.samplesDropped,
  );
  remote(
    'sonde_remote_write_samples_dropped_queue_full',
    'Samples dropped oldest-first because the queue was full.',
    (s) => s.samplesDroppedQueueFull,
  );
  remote('sonde_remote_write_queue_bytes', 'Bytes waiting in the durable queue.', (s) => s.queuedBytes);
  const { head, queries, live } = sources;
  if (head) {
    observed('sonde_storage_head_series', 'Series in the in-memory head of the store.', () => head().series);
    observed(
      'sonde_storage_head_sample_bytes',
      'Bytes of samples the head holds in memory until they are cut into blocks.',
      () => head().sampleBytes,
    );
  }
  if (queries) {
    observed('sonde_queries_running', 'Queries of the query API evaluating now.', () => queries().running);
    observed(
      'sonde_queries_waiting',
      'Queries of the query API waiting for a slot.',
      () => queries().waiting,
    );
    observed(
      'sonde_queries_concurrent_max',
      'The concurrent-query limit (query.max_concurrency).',
      () => queries().max,
    );
  }
  if (live) observed('sonde_live_streams', 'Open live dashboard streams.', () => live().streams);
  return {
    async render() {
      const text = await registry.metrics();
      return {
        contentType: registry.contentType,
        body: sources.ingest ? text + sources.ingest.render() : text,
      };
    },
    limited(limit) {
      limited.labels(limit).inc();
    },
  };
}
