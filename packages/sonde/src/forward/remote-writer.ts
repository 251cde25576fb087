// Forwards appended samples to one remote_write endpoint: on commit the
// samples are split into shards by series (so each series stays in order),
// encoded and snappy-compressed into requests, and made durable in each
// shard's disk queue before commit returns; shard senders deliver them.
import { join } from 'node:path';
import { snappyCompress } from '../ingest/index.js';
import { labelsKey } from '../storage/labels.js';
import type { Labels } from '../storage/types.js';
import { DiskQueue, type QueueRecord } from './disk-queue.js';
import { type RemoteEndpoint, RemoteWriteClient } from './remote-write-client.js';
import { type SenderCounters, type SenderLogger, ShardSender } from './shard-sender.js';
import { type SeriesBatch, encodeWriteRequest } from './write-request-encoder.js';

export interface RemoteWriterOptions {
  readonly endpoint: RemoteEndpoint;
  /** Where the shards' queues live. */
  readonly dir: string;
  readonly shards?: number;
  readonly maxSamplesPerSend?: number;
  /** Cap on queued bytes per shard; past it the oldest data goes first. */
  readonly maxQueueBytesPerShard?: number;
  readonly logger?: SenderLogger;
}

/**
 * A series with samples to forward, kept across commits while its labels object lives (its
 * arrays reused, its shard computed once): held by a WeakMap, so labels objects a source
 * makes anew for every batch are forgotten with them.
 */
interface PendingSeries extends SeriesBatch {
  readonly shard: number;
  t: Float64Array;
  v: Float64Array;
  n: number;
}

export interface RemoteWriterStats extends SenderCounters {
  readonly target: string;
  readonly queuedBytes: number;
  readonly samplesDroppedQueueFull: number;
  readonly pendingShards: number;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export class RemoteWriter {
  private readonly client: RemoteWriteClient;
  private readonly queues: DiskQueue[] = [];
  private readonly senders: ShardSender[] = [];
  private readonly counters: SenderCounters = {
    samplesSent: 0,
    samplesDropped: 0,
    requestsFailed: 0,
    retries: 0,
    lastError: null,
  };
  private readonly series = new WeakMap<Labels, PendingSeries>();
  /** Series with samples since the last commit, in the order they first got one. */
  private active: PendingSeries[] = [];
  private readonly maxSamplesPerSend: number;

  constructor(options: RemoteWriterOptions) {
    this.client = new RemoteWriteClient(options.endpoint);
    this.maxSamplesPerSend = options.maxSamplesPerSend ?? 2000;
    const shards = Math.max(1, options.shards ?? 2);
    for (let i = 0; i < shards; i++) {
      const queue = new DiskQueue({
        dir: join(options.dir, `shard-${i}`),
        maxBytes: options.maxQueueBytesPerShard ?? 256 * 1024 * 1024,
      });
      this.queues.push(queue);
      this.senders.push(new ShardSender(queue, this.client, this.counters, options.logger));
    }
  }

  start(): void {
    for (const s of this.senders) s.start();
  }

  append(labels: Labels, t: number, v: number): void {
    let p = this.series.get(labels);
    if (p === undefined) {
      const shard = hash(labelsKey(labels)) % this.queues.length;
      p = { labels, shard, t: new Float64Array(4), v: new Float64Array(4), n: 0 };
      this.series.set(labels, p);
    }
    if (p.n === 0) this.active.push(p);
    if (p.n === p.t.length) {
      const t2 = new Float64Array(p.n * 2);
      const v2 = new Float64Array(p.n * 2);
      t2.set(p.t);
      v2.set(p.v);
      p.t = t2;
      p.v = v2;
    }
    p.t[p.n] = t;
    p.v[p.n] = v;
    p.n++;
  }

  /** Makes everything appended since the last commit durable in the queues. */
  commit(): void {
    if (this.active.length === 0) return;
    const perShard: PendingSeries[][] = this.queues.map(() => []);
    for (const p of this.active) perShard[p.shard].push(p);
    try {
      perShard.forEach((series, i) => {
        if (series.length === 0) return;
        this.queues[i].push(this.toRecords(series));
        this.senders[i].notify();
      });
    } finally {
      this.reset();
    }
  }

  rollback(): void {
    this.reset();
  }

  private reset(): void {
    for (const p of this.active) p.n = 0;
    this.active = [];
  }

  /** Splits series into requests of at most maxSamplesPerSend samples. */
  private toRecords(series: readonly SeriesBatch[]): QueueRecord[] {
    const records: QueueRecord[] = [];
    let batch: SeriesBatch[] = [];
    let count = 0;
    const flush = () => {
      if (count === 0) return;
      records.push({ payload: snappyCompress(encodeWriteRequest(batch)), weight: count });
      batch = [];
      count = 0;
    };
    for (const s of series) {
      const n = s.n ?? s.t.length;
      for (let from = 0; from < n; ) {
        const take = Math.min(n - from, this.maxSamplesPerSend - count);
        batch.push(
          from === 0 && take === n
            ? s
            : {
                labels: s.labels,
                t: Array.prototype.slice.call(s.t, from, from + take),
                v: (s.v as Float64Array).subarray(from, from + take),
              },
        );
        count += take;
        from += take;
        if (count >= this.maxSamplesPerSend) flush();
      }
    }
    flush();
    return records;
  }

  stats(): RemoteWriterStats {
    let queuedBytes = 0;
    let droppedFull = 0;
    let pendingShards = 0;
    for (const q of this.queues) {
      queuedBytes += q.bytes;
      droppedFull += q.droppedWeight;
      if (!q.empty) pendingShards++;
    }
    return {
      ...this.counters,
      target: this.client.target,
      queuedBytes,
      samplesDroppedQueueFull: droppedFull,
      pendingShards,
    };
  }

  /** True when everything committed has been delivered (or dropped). */
  get drained(): boolean {
    return this.queues.every((q) => q.empty);
  }

  async stop(): Promise<void> {
    await Promise.all(this.senders.map((s) => s.stop()));
    for (const q of this.queues) q.close();
    this.client.close();
  }
}
