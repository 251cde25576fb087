// The live hub: evaluates each distinct query once per tick, however many
// streams watch it, and serialises each query's new points once. A stream's
// tick message is then the concatenation of pre-built per-query chunks, so
// 1,000 dashboards watching the same ten queries cost ten evaluations and
// ten JSON.stringify calls a second, not ten thousand.
import type { Labels, Querier } from '../../storage/types.js';
import { labelsKey } from '../../storage/labels.js';
import type { QueryEngine, QueryValue } from '../../query/types.js';

export interface LiveSeriesPoint {
  readonly labels: Labels;
  readonly v: number;
}

interface SeriesId {
  readonly id: number;
  lastSeen: number;
  /** Whether a tick chunk has carried its labels to every stream watching. */
  announced: boolean;
}

/** One distinct expression and everyone watching it. */
export interface LiveQuery {
  readonly expr: string;
  refs: number;
  readonly ids: Map<string, SeriesId>;
  /** The JSON chunk of the latest tick: `{"n":[[id,labels],...],"v":[[id,value],...]}` or `{"e":"..."}`. */
  chunk: string;
  chunkT: number;
}

export interface HubOptions {
  readonly engine: QueryEngine;
  /** A store snapshot shared by a tick's evaluations (taking one walks the head's series). */
  readonly snapshot?: () => Querier;
  readonly intervalMs: number;
  /** Most distinct expressions evaluated at once, over all streams. */
  readonly maxQueries: number;
  /** Most series one query may stream; more are dropped with an error note. */
  readonly maxSeriesPerQuery: number;
  /** Per-evaluation timeout. */
  readonly timeoutMs: number;
  readonly onTick: (t: number) => void;
  readonly onError: (err: unknown, expr: string) => void;
}

/** Numbers as JSON has them: NaN and ±Inf become null (a gap). */
export function jsonNum(v: number): string {
  return Number.isFinite(v) ? String(v) : 'null';
}

export function points(value: QueryValue): LiveSeriesPoint[] {
  switch (value.type) {
    case 'vector':
      return value.samples.filter((s) => s.h === undefined).map((s) => ({ labels: s.labels, v: s.v }));
    case 'scalar':
      return [{ labels: {}, v: value.v }];
    case 'matrix':
      return value.series
        .filter((s) => s.v.length > 0)
        .map((s) => ({ labels: s.labels, v: s.v[s.v.length - 1] }));
    default:
      return [];
  }
}

export class LiveHub {
  private readonly queries = new Map<string, LiveQuery>();
  private nextId = 1;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private closed = false;
  /** Ticks skipped because the previous evaluation had not finished. */
  skipped = 0;
  lastTickMs = 0;

  constructor(private readonly opts: HubOptions) {}

  get size(): number {
    return this.queries.size;
  }

  /** The tick time at or before `ms`. */
  tickAt(ms: number): number {
    return Math.floor(ms / this.opts.intervalMs) * this.opts.intervalMs;
  }

  acquire(expr: string): LiveQuery | null {
    let q = this.queries.get(expr);
    if (!q) {
      if (this.queries.size >= this.opts.maxQueries) return null;
      q = { expr, refs: 0, ids: new Map(), chunk: '{"n":[],"v":[]}', chunkT: 0 };
      this.queries.set(expr, q);
    }
    q.refs++;
    this.start();
    return q;
  }

  release(q: LiveQuery): void {
    if (--q.refs <= 0) this.queries.delete(q.expr);
    if (this.queries.size === 0) this.stop();
  }

  /**
   * Id of a series within a query, assigned on first sight. With `announce`
   * (a tick), `isNew` tells whether the tick chunk must carry its labels; a
   * backfill only registers the id, and sends the labels itself.
   */
  idFor(q: LiveQuery, labels: Labels, now: number, announce = true): { id: number; isNew: boolean } {
    const key = labelsKey(labels);
    let s = q.ids.get(key);
    if (!s) {
      s = { id: this.nextId++, lastSeen: now, announced: false };
      q.ids.set(key, s);
    }
    s.lastSeen = Math.max(s.lastSeen, now);
    const isNew = announce && !s.announced;
    if (announce) s.announced = true;
    return { id: s.id, isNew };
  }

  /** `[[id,labels],...]` of every series the query currently knows, for a new stream's hello. */
  definitions(q: LiveQuery): string {
    const parts: string[] = [];
    for (const [key, s] of q.ids)
      if (s.announced) parts.push(`[${s.id},${JSON.stringify(labelsFromKey(key))}]`);
    return `[${parts.join(',')}]`;
  }

  private start(): void {
    if (this.timer || this.closed) return;
    this.schedule();
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  close(): void {
    this.closed = true;
    this.stop();
    this.queries.clear();
  }

  private schedule(): void {
    const now = Date.now();
    const interval = this.opts.intervalMs;
    // Evaluate a little after the boundary, so samples collected at the
    // boundary have been committed.
    const delay = interval - (now % interval) + Math.min(150, interval / 5);
    this.timer = setTimeout(() => this.tick(), delay);
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    if (this.closed) return;
    this.schedule();
    if (this.running) {
      this.skipped++;
      return;
    }
    this.running = true;
    const t = this.tickAt(Date.now());
    const querier = this.queries.size > 1 ? this.opts.snapshot?.() : undefined;
    try {
      await Promise.all([...this.queries.values()].map((q) => this.evaluate(q, t, querier)));
      this.lastTickMs = t;
      this.sweep(t);
      if (!this.closed) this.opts.onTick(t);
    } finally {
      querier?.close();
      this.running = false;
    }
  }

  async evaluate(q: LiveQuery, t: number, querier?: Querier): Promise<void> {
    try {
      const value = await this.opts.engine.instant(q.expr, t, {
        timeoutMs: this.opts.timeoutMs,
        ...(querier ? { querier } : {}),
      });
      const pts = points(value);
      const defs: string[] = [];
      const vals: string[] = [];
      const n = Math.min(pts.length, this.opts.maxSeriesPerQuery);
      for (let i = 0; i < n; i++) {
        const p = pts[i];
        const { id, isNew } = this.idFor(q, p.labels, t);
        if (isNew) defs.push(`[${id},${JSON.stringify(p.labels)}]`);
        vals.push(`[${id},${jsonNum(p.v)}]`);
      }
      const truncated =
        pts.length > n
          ? `,"w":${JSON.stringify(`only the first ${n} of ${pts.length} series are live`)}`
          : '';
      q.chunk = `{"n":[${defs.join(',')}],"v":[${vals.join(',')}]${truncated}}`;
    } catch (err) {
      this.opts.onError(err, q.expr);
      q.chunk = `{"e":${JSON.stringify(err instanceof Error ? err.message : String(err))}}`;
    }
    q.chunkT = t;
  }

  /** Forgets series not seen for five minutes, so churn does not grow memory. */
  private sweep(t: number): void {
    if (t % 60_000 >= this.opts.intervalMs) return;
    for (const q of this.queries.values()) {
      for (const [key, s] of q.ids) if (t - s.lastSeen > 300_000) q.ids.delete(key);
    }
  }
}

/** Inverse of labelsKey (names and values cannot contain its separators). */
export function labelsFromKey(key: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of key.split('\u0001')) {
    if (!part) continue;
    const i = part.indexOf('\u0000');
    out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}
