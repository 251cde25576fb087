// The collection loop: every interval, run every collector at once, each with
// its own deadline. A collector that fails or overruns gets
// sonde_collector_success 0 for the cycle, is logged once per distinct error,
// and holds up no other; one still running from an earlier cycle is not
// started again until it returns.
import type { Labels } from '../storage/types.js';
import { family, LabelCache } from './lib/family.js';
import type { CollectedSample, Collector, MetricFamily } from './types.js';

export interface CollectLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface CollectionLoopOptions {
  readonly collectors: readonly Collector[];
  readonly intervalMs: number;
  /** Deadline per collector per cycle; defaults to 80% of the interval. */
  readonly timeoutMs?: number;
  /** Called after every cycle with everything collected, sonde_collector_* included. */
  onCycle(families: readonly MetricFamily[], tMs: number): void | Promise<void>;
  readonly logger?: CollectLogger;
  /** Clock, for tests. */
  readonly now?: () => number;
}

export interface CycleResult {
  readonly families: readonly MetricFamily[];
  readonly tMs: number;
  /** Per collector: null on success, else the error message. */
  readonly errors: ReadonlyMap<string, string | null>;
}

export interface CollectionLoop {
  /** Starts cycling at the interval (the first cycle runs at once). */
  start(): void;
  /** Stops scheduling; resolves when the cycle in flight (if any) has been delivered. */
  stop(): Promise<void>;
  /** Runs one cycle now and delivers it to onCycle. */
  runOnce(): Promise<CycleResult>;
  readonly running: boolean;
}

class TimeoutError extends Error {}

export function createCollectionLoop(opts: CollectionLoopOptions): CollectionLoop {
  const now = opts.now ?? Date.now;
  const intervalMs = Math.max(1, opts.intervalMs);
  const timeoutMs = Math.max(1, opts.timeoutMs ?? Math.floor(intervalMs * 0.8));
  const labels = new LabelCache();
  /** Collectors whose collect() has not settled yet (hung past an earlier deadline). */
  const inFlight = new Set<string>();
  /** The last error logged per collector, so each distinct error is logged once. */
  const lastError = new Map<string, string>();
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let current: Promise<CycleResult> | null = null;

  interface Started {
    readonly t0: number;
    /** When collect() returned its promise: the end of its synchronous part. */
    readonly tCall: number;
    readonly done: Promise<{ families: readonly MetricFamily[]; error: string | null; tEnd: number }>;
  }

  function startCollector(c: Collector): Started {
    const t0 = performance.now();
    if (inFlight.has(c.name)) {
      const done = Promise.resolve({ families: [], error: 'still running from an earlier cycle', tEnd: t0 });
      return { t0, tCall: t0, done };
    }
    const ac = new AbortController();
    let deadline: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      deadline = setTimeout(() => {
        reject(new TimeoutError(`timed out after ${timeoutMs}ms`));
        ac.abort();
      }, timeoutMs);
    });
    inFlight.add(c.name);
    let work: Promise<readonly MetricFamily[]>;
    try {
      work = c.collect(ac.signal);
    } catch (err) {
      work = Promise.reject(err);
    }
    const tCall = performance.now();
    work.then(
      () => inFlight.delete(c.name),
      () => inFlight.delete(c.name),
    );
    const done = Promise.race([work, expired]).then(
      (families) => ({ families, error: null, tEnd: performance.now() }),
      (err: unknown) => {
        const msg = err instanceof Error ? err.message : String(err);
        return { families: [] as readonly MetricFamily[], error: msg || 'failed', tEnd: performance.now() };
      },
    );
    done.finally(() => clearTimeout(deadline));
    return { t0, tCall, done };
  }

  /**
   * Starts every collector, then waits for all. A collector's duration is
   * from its start to its end, less the synchronous work of the collectors
   * started after it (which ran on the one thread before it could finish).
   */
  async function runAll(): Promise<
    { families: readonly MetricFamily[]; error: string | null; seconds: number }[]
  > {
    const started = opts.collectors.map(startCollector);
    const settled = await Promise.all(started.map((s) => s.done));
    const out: { families: readonly MetricFamily[]; error: string | null; seconds: number }[] = [];
    let syncAfter = 0;
    const syncAfterOf: number[] = new Array(started.length);
    for (let i = started.length - 1; i >= 0; i--) {
      syncAfterOf[i] = syncAfter;
      syncAfter += started[i].tCall - started[i].t0;
    }
    for (let i = 0; i < started.length; i++) {
      const s = started[i];
      const r = settled[i];
      const ms = Math.max(s.tCall - s.t0, r.tEnd - s.t0 - syncAfterOf[i]);
      out.push({ families: r.families, error: r.error, seconds: ms / 1000 });
    }
    return out;
  }

  function note(name: string, error: string | null): void {
    const prev = lastError.get(name);
    if (error === null) {
      if (prev !== undefined) {
        lastError.delete(name);
        opts.logger?.info({ collector: name }, 'collector recovered');
      }
      return;
    }
    if (prev !== error) {
      lastError.set(name, error);
      opts.logger?.warn({ collector: name, err: error }, 'collector failed');
    }
  }

  async function cycle(): Promise<CycleResult> {
    const tMs = now();
    const results = await runAll();
    const out: MetricFamily[] = [];
    const duration: CollectedSample[] = [];
    const success: CollectedSample[] = [];
    const errors = new Map<string, string | null>();
    for (let i = 0; i < results.length; i++) {
      const name = opts.collectors[i].name;
      const r = results[i];
      note(name, r.error);
      errors.set(name, r.error);
      for (const f of r.families) out.push(f);
      const l: Labels = labels.one('collector', name);
      duration.push({ labels: l, value: r.seconds });
      success.push({ labels: l, value: r.error === null ? 1 : 0 });
    }
    out.push(
      family(
        'sonde_collector_duration_seconds',
        'sonde: duration of a collector in the last cycle.',
        'gauge',
        duration,
      ),
      family(
        'sonde_collector_success',
        'sonde: whether a collector succeeded in the last cycle.',
        'gauge',
        success,
      ),
    );
    try {
      await opts.onCycle(out, tMs);
    } catch (err) {
      opts.logger?.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'delivering a collection cycle failed',
      );
    }
    return { families: out, tMs, errors };
  }

  function schedule(): void {
    if (!running) return;
    const t = now();
    const wait = intervalMs - (t % intervalMs);
    timer = setTimeout(tick, wait);
  }

  function tick(): void {
    timer = null;
    if (!running) return;
    if (current) {
      // The previous cycle has not delivered yet: skip this tick rather than pile up.
      schedule();
      return;
    }
    current = cycle();
    current.finally(() => {
      current = null;
      schedule();
    });
  }

  return {
    start() {
      if (running) return;
      running = true;
      tick();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      if (current) await current.catch(() => undefined);
    },
    runOnce() {
      return cycle();
    },
    get running() {
      return running;
    },
  };
}
