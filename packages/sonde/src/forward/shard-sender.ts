// Sends one shard's queue in order, one request at a time, so each series
// reaches the remote in time order. Retries with exponential backoff (and
// the remote's Retry-After) until a record is delivered or refused for good.
import type { DiskQueue } from './disk-queue.js';
import type { RemoteWriteClient } from './remote-write-client.js';

export interface SenderCounters {
  samplesSent: number;
  samplesDropped: number;
  requestsFailed: number;
  retries: number;
  lastError: string | null;
}

export interface SenderLogger {
  warn(obj: object, msg: string): void;
}

const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 30_000;

export class ShardSender {
  private running = false;
  private wake: (() => void) | null = null;
  private stopWake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private backoffMs = MIN_BACKOFF_MS;

  constructor(
    private readonly queue: DiskQueue,
    private readonly client: RemoteWriteClient,
    readonly counters: SenderCounters,
    private readonly logger?: SenderLogger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Something was queued: send it now rather than at the next poll. */
  notify(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopWake?.();
    await this.loop;
  }

  /** Waits; new data ends an idle wait early, but not a backoff. */
  private sleep(ms: number, idle: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wake = null;
        self.stopWake = null;
        resolve();
      }
      if (idle) this.wake = done;
      this.stopWake = done;
    });
  }

  private async run(): Promise<void> {
    while (this.running) {
      const record = this.queue.peek();
      if (!record) {
        await this.sleep(1000, true);
        continue;
      }
      const outcome = await this.client.send(record.payload);
      if (outcome.kind === 'ok') {
        this.queue.ack();
        this.counters.samplesSent += record.weight;
        this.backoffMs = MIN_BACKOFF_MS;
      } else if (outcome.kind === 'drop') {
        this.queue.ack();
        this.counters.samplesDropped += record.weight;
        this.counters.requestsFailed++;
        this.counters.lastError = outcome.reason;
        this.logger?.warn(
          { target: this.client.target, reason: outcome.reason },
          'remote refused a batch; dropped it',
        );
      } else {
        this.counters.retries++;
        this.counters.lastError = outcome.reason;
        if (this.backoffMs === MIN_BACKOFF_MS) {
          this.logger?.warn(
            { target: this.client.target, reason: outcome.reason },
            'remote unavailable; retrying with backoff',
          );
        }
        const wait = Math.min(MAX_BACKOFF_MS, Math.max(outcome.afterMs ?? 0, this.backoffMs));
        this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
        if (this.running) await this.sleep(wait, false);
      }
    }
  }
}
