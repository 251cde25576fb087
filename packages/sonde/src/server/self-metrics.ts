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
  new Gauge({
    name: 'sonde_storage_series',
    help: 'Series in the store.',
    registers: [registry],
    collect() {
      this.set(sources.storage.stats().series);
    },
  });
  new Gauge({
    name: 'sonde_storage_samples_appended',
    help: 'Samples appended to the store since start.',
    registers: [registry],
    collect() {
      this.set(sources.storage.stats().samplesAppended);
    },
  });
  new Gauge({
    name: 'sonde_storage_bytes_on_disk',
    help: 'Bytes the store takes on disk, all tiers.',
    registers: [registry],
    collect() {
      this.set(sources.storage.stats().bytesOnDisk);
    },
  });
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
  if (sources.head) {
    const head = sources.head;
    new Gauge({
      name: 'sonde_storage_head_series',
      help: 'Series in the in-memory head of the store.',
      registers: [registry],
      collect() {
        this.set(head().series);
      },
    });
    new Gauge({
      name: 'sonde_storage_head_sample_bytes',
      help: 'Bytes of samples the head holds in memory until they are cut into blocks.',
      registers: [registry],
      collect() {
        this.set(head().sampleBytes);
      },
    });
  }
  if (sources.queries) {
    const queries = sources.queries;
    const gauge = (name: string, help: string, pick: (q: ReturnType<typeof queries>) => number) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(pick(queries()));
        },
      });
    gauge('sonde_queries_running', 'Queries of the query API evaluating now.', (q) => q.running);
    gauge('sonde_queries_waiting', 'Queries of the query API waiting for a slot.', (q) => q.waiting);
    gauge(
      'sonde_queries_concurrent_max',
      'The concurrent-query limit (query.max_concurrency).',
      (q) => q.max,
    );
  }
  if (sources.live) {
    const live = sources.live;
    new Gauge({
      name: 'sonde_live_streams',
      help: 'Open live dashboard streams.',
      registers: [registry],
      collect() {
        this.set(live().streams);
      },
    });
  }
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
