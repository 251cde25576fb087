// The durable outbox: every notification is appended (and fsynced) to a log
// before anything is sent, then delivered per destination in order, retried
// with exponential backoff until the destination accepts it. After a crash the
// log is replayed and whatever was not acknowledged is sent again, with the
// same idempotency key, so a receiver that deduplicates sees it once.
import { randomUUID } from 'node:crypto';
import { type FileHandle, mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../clock.js';
import { writeAtomic } from '../json-file.js';

export type DeliveryResult =
  | { readonly ok: true; readonly status?: number }
  | { readonly ok: false; readonly retry: boolean; readonly error: string };

export interface OutboxEntry {
  /** The idempotency key: sent with every attempt of this notification. */
  readonly id: string;
  /** Where it goes: `receiver/integration/index`, or `alertmanager/URL`. */
  readonly dest: string;
  readonly receiver: string;
  readonly groupKey: string;
  readonly status: 'firing' | 'resolved';
  readonly alerts: number;
  readonly createdAt: number;
  /** The rendered request body. */
  readonly body: unknown;
}

export interface OutboxRecord extends OutboxEntry {
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastError: string;
  lastAttemptAt: number;
  doneAt: number;
}

/** Delivers one entry; looked up per destination at send time, so a reload's new settings apply. */
export type Deliver = (entry: OutboxEntry) => Promise<DeliveryResult>;

export interface OutboxOptions {
  readonly dir: string | null;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly deliver: Deliver;
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Finished entries kept for the history API. */
  readonly historySize?: number;
}

type LogLine =
  | ({ op: 'add' } & OutboxEntry)
  | { op: 'done'; id: string; at: number; attempts: number }
  | { op: 'failed'; id: string; at: number; attempts: number; error: string };

export class Outbox {
  private readonly records = new Map<string, OutboxRecord>();
  private readonly queues = new Map<string, OutboxRecord[]>();
  private readonly busy = new Set<string>();
  private readonly timers = new Map<string, TimerHandle>();
  private readonly inFlight = new Set<Promise<void>>();
  private fh: FileHandle | null = null;
  private writes: Promise<void> = Promise.resolve();
  private linesSinceCompact = 0;
  private stopped = false;
  private readonly base: number;
  private readonly max: number;
  private readonly historySize: number;

  constructor(private readonly opts: OutboxOptions) {
    this.base = opts.baseBackoffMs ?? 1000;
    this.max = opts.maxBackoffMs ?? 5 * 60_000;
    this.historySize = opts.historySize ?? 1000;
  }

  private get path(): string | null {
    return this.opts.dir ? join(this.opts.dir, 'outbox.jsonl') : null;
  }

  /** Replays the log and starts delivering what is still owed. */
  async open(): Promise<void> {
    const path = this.path;
    if (path) {
      await mkdir(this.opts.dir!, { recursive: true });
      let text = '';
      try {
        text = await readFile(path, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      for (const line of text.split('\n')) {
        if (!line) continue;
        let rec: LogLine;
        try {
          rec = JSON.parse(line) as LogLine;
        } catch {
          continue; // A torn last line from a crash mid-append: that entry was never acknowledged to anyone.
        }
        this.apply(rec);
      }
      await this.compact();
      this.fh = await open(path, 'a');
    }
    const pending = [...this.records.values()].filter((r) => r.state === 'pending');
    if (pending.length)
      this.opts.logger.info({ pending: pending.length }, 'outbox: resuming undelivered notifications');
    for (const r of pending) this.queue(r);
    for (const dest of this.queues.keys()) this.kick(dest);
  }

  private apply(rec: LogLine): void {
    if (rec.op === 'add') {
      const { op: _op, ...entry } = rec;
      this.records.set(rec.id, {
        ...entry,
        state: 'pending',
        attempts: 0,
        lastError: '',
        lastAttemptAt: 0,
        doneAt: 0,
      });
      return;
    }
    const r = this.records.get(rec.id);
    if (!r) return;
    r.state = rec.op === 'done' ? 'delivered' : 'failed';
    r.attempts = rec.attempts;
    r.doneAt = rec.at;
    if (rec.op === 'failed') r.lastError = rec.error;
  }

  private queue(r: OutboxRecord): void {
    let q = this.queues.get(r.dest);
    if (!q) this.queues.set(r.dest, (q = []));
    q.push(r);
  }

  private append(line: LogLine): Promise<void> {
    const text = `${JSON.stringify(line)}\n`;
    const run = this.writes.then(async () => {
      if (!this.fh) return;
      await this.fh.write(text);
      await this.fh.datasync();
      this.linesSinceCompact++;
    });
    this.writes = run.catch(() => {});
    return run;
  }

  /** Writes the notification durably, then queues it; resolves once it is on disk. Returns its id. */
  async enqueue(entry: Omit<OutboxEntry, 'id' | 'createdAt'>): Promise<string> {
    const full: OutboxEntry = { ...entry, id: randomUUID(), createdAt: this.opts.clock.now() };
    await this.append({ op: 'add', ...full });
    const r: OutboxRecord = {
      ...full,
      state: 'pending',
      attempts: 0,
      lastError: '',
      lastAttemptAt: 0,
      doneAt: 0,
    };
    this.records.set(r.id, r);
    this.queue(r);
    this.kick(r.dest);
    return r.id;
  }

  /** Newest first. */
  history(limit = 100): OutboxRecord[] {
    return [...this.records.values()].sort((a, b) => b.createdAt - a.createdAt).slice(0, limit);
  }

  pendingCount(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  /** Resolves when no delivery attempt is under way (timers for later retries may remain). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
    await this.writes;
  }

  async close(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) this.opts.clock.clearTimeout(t);
    this.timers.clear();
    await this.idle();
    await this.fh?.close();
    this.fh = null;
  }

  private backoff(attempts: number): number {
    return Math.min(this.max, this.base * 2 ** Math.max(0, attempts - 1));
  }

  private kick(dest: string): void {
    if (this.stopped || this.busy.has(dest) || this.timers.has(dest)) return;
    const q = this.queues.get(dest);
    if (!q?.length) return;
    this.busy.add(dest);
    // One attempt at a time per destination; the next starts (or its retry timer is set) when this one ends.
    const p = this.attempt(dest, q[0])
      .catch((e) =>
        this.opts.logger.error({ dest, err: (e as Error).message }, 'outbox: delivery bookkeeping failed'),
      )
      .then(() => {
        this.busy.delete(dest);
        this.kick(dest);
      });
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async attempt(dest: string, r: OutboxRecord): Promise<void> {
    r.attempts++;
    r.lastAttemptAt = this.opts.clock.now();
    let result: DeliveryResult;
    try {
      result = await this.opts.deliver(r);
    } catch (e) {
      result = { ok: false, retry: true, error: (e as Error).message };
    }
    const q = this.queues.get(dest)!;
    if (result.ok || !result.retry) {
      const at = this.opts.clock.now();
      if (result.ok) await this.append({ op: 'done', id: r.id, at, attempts: r.attempts });
      else await this.append({ op: 'failed', id: r.id, at, attempts: r.attempts, error: result.error });
      r.state = result.ok ? 'delivered' : 'failed';
      r.doneAt = at;
      if (!result.ok) {
        r.lastError = result.error;
        this.opts.logger.error({ dest, id: r.id, err: result.error }, 'notification rejected; not retried');
      }
      q.shift();
      if (q.length === 0) this.queues.delete(dest);
      this.trimHistory();
      if (this.linesSinceCompact > 10_000) await this.compact();
      return;
    }
    r.lastError = result.error;
    const wait = this.backoff(r.attempts);
    this.opts.logger.warn(
      { dest, id: r.id, attempts: r.attempts, retryInMs: wait, err: result.error },
      'notification failed; will retry',
    );
    if (this.stopped) return;
    this.timers.set(
      dest,
      this.opts.clock.setTimeout(() => {
        this.timers.delete(dest);
        this.kick(dest);
      }, wait),
    );
  }

  private trimHistory(): void {
    if (this.records.size <= this.historySize * 2) return;
    const done = [...this.records.values()]
      .filter((r) => r.state !== 'pending')
      .sort((a, b) => a.createdAt - b.createdAt);
    for (const r of done.slice(0, done.length - this.historySize)) this.records.delete(r.id);
  }

  /** Rewrites the log with only what is still owed and the recent history (in line with appends). */
  private compact(): Promise<void> {
    const run = this.writes.then(() => this.rewrite());
    this.writes = run.catch(() => {});
    return run;
  }

  private async rewrite(): Promise<void> {
    const path = this.path;
    if (!path) return;
    this.trimHistory();
    const lines: string[] = [];
    for (const r of this.records.values()) {
      const { state, attempts, lastError, lastAttemptAt: _l, doneAt, ...entry } = r;
      lines.push(JSON.stringify({ op: 'add', ...entry }));
      if (state === 'delivered') lines.push(JSON.stringify({ op: 'done', id: r.id, at: doneAt, attempts }));
      if (state === 'failed')
        lines.push(JSON.stringify({ op: 'failed', id: r.id, at: doneAt, attempts, error: lastError }));
    }
    const reopen = this.fh !== null;
    if (reopen) await this.fh!.close();
    await writeAtomic(path, lines.length ? `${lines.join('\n')}\n` : '');
    if (reopen) this.fh = await open(path, 'a');
    this.linesSinceCompact = 0;
  }
}
