// The page's one live stream. Charts subscribe with their expression; the
// stream carries exactly the subscribed (visible) queries and is reopened,
// debounced, when that set changes. The browser's EventSource reconnects by
// itself and sends Last-Event-ID, so the server fills the gap; if the server
// has no live endpoint, the stream falls back to polling /api/v1/query.
import { labelKey } from '../lib/columns';
import { api, vectorRows } from './client';

export interface LivePoint {
  readonly key: string;
  readonly labels: Record<string, string>;
  readonly v: number;
}

export interface LiveBackfill {
  readonly key: string;
  readonly labels: Record<string, string>;
  readonly t: readonly number[];
  readonly v: readonly (number | null)[];
}

export interface LiveHandler {
  /** New points at tick time `tMs`, one per series. */
  points(tMs: number, points: readonly LivePoint[]): void;
  /** Missed points (after a reconnect, or since the subscriber's own history ends). */
  backfill?(series: readonly LiveBackfill[]): void;
  error?(message: string): void;
}

export type LiveStatus = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'polling';

interface Sub {
  readonly expr: string;
  readonly handler: LiveHandler;
  /** Ms of the newest point the subscriber already has; 0 for "none". */
  since: number;
  fresh: boolean;
}

type Chunk = {
  n?: [number, Record<string, string>][];
  v?: [number, number | null][];
  s?: [number, number[], (number | null)[]][];
  e?: string;
  w?: string;
};

export class LiveStream {
  private readonly subs = new Set<Sub>();
  private exprs: string[] = [];
  private es: EventSource | null = null;
  private readonly defs = new Map<number, { key: string; labels: Record<string, string> }>();
  private reopenTimer: ReturnType<typeof setTimeout> | null = null;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private lastT = 0;
  status: LiveStatus = 'idle';
  private readonly listeners = new Set<(s: LiveStatus) => void>();

  constructor(private readonly url = '/api/sonde/v1/live') {}

  onStatus(fn: (s: LiveStatus) => void): () => void {
    this.listeners.add(fn);
    fn(this.status);
    return () => this.listeners.delete(fn);
  }

  private setStatus(s: LiveStatus): void {
    if (s === this.status) return;
    this.status = s;
    for (const fn of this.listeners) fn(s);
  }

  subscribe(expr: string, handler: LiveHandler, sinceMs = 0): () => void {
    const sub: Sub = { expr, handler, since: sinceMs, fresh: true };
    this.subs.add(sub);
    this.changed();
    return () => {
      this.subs.delete(sub);
      this.changed();
    };
  }

  /** Ends the stream (the page is going away). */
  close(): void {
    this.subs.clear();
    this.stopAll();
    this.setStatus('idle');
  }

  private changed(): void {
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.reopenTimer = setTimeout(() => this.reopen(), 40);
  }

  private stopAll(): void {
    this.es?.close();
    this.es = null;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  private reopen(): void {
    this.reopenTimer = null;
    const exprs = [...new Set([...this.subs].map((s) => s.expr))].sort();
    const hasFresh = [...this.subs].some((s) => s.fresh);
    if (exprs.join('\n') === this.exprs.join('\n') && (this.es || this.pollTimer) && !hasFresh) return;
    this.exprs = exprs;
    this.stopAll();
    if (exprs.length === 0) {
      this.setStatus('idle');
      return;
    }
    if (this.status === 'polling') {
      this.poll();
      return;
    }
    // The gap to fill: from the oldest point any subscriber lacks.
    let since = this.lastT;
    for (const s of this.subs) {
      if (s.fresh && s.since > 0) since = since ? Math.min(since, s.since) : s.since;
      s.fresh = false;
    }
    const params = new URLSearchParams();
    for (const e of exprs) params.append('query', e);
    if (since) params.set('since', String(since));
    this.setStatus('connecting');
    const es = new EventSource(`${this.url}?${params}`);
    this.es = es;
    es.onopen = () => this.setStatus('live');
    es.addEventListener('hello', (ev) => this.onHello((ev as MessageEvent).data));
    es.onmessage = (ev) => this.onTick(ev.data);
    es.onerror = () => {
      if (es !== this.es) return;
      // CLOSED means the server refused the stream (no live endpoint, or an
      // error status): poll instead. CONNECTING means the browser is retrying.
      if (es.readyState === EventSource.CLOSED) {
        this.stopAll();
        this.poll();
      } else {
        this.setStatus('reconnecting');
      }
    };
  }

  private handlersFor(index: number): LiveHandler[] {
    const expr = this.exprs[index];
    const out: LiveHandler[] = [];
    for (const s of this.subs) if (s.expr === expr) out.push(s.handler);
    return out;
  }

  private define(chunk: Chunk): void {
    for (const [id, labels] of chunk.n ?? []) this.defs.set(id, { key: labelKey(labels), labels });
  }

  private onHello(data: string): void {
    const msg = JSON.parse(data) as { t: number; q: Chunk[] };
    this.setStatus('live');
    for (const [i, chunk] of msg.q.entries()) {
      const hs = this.handlersFor(i);
      if (chunk.e) {
        for (const h of hs) h.error?.(chunk.e);
        continue;
      }
      this.define(chunk);
      const series: LiveBackfill[] = [];
      for (const [id, t, v] of chunk.s ?? []) {
        const d = this.defs.get(id);
        if (d) series.push({ key: d.key, labels: d.labels, t, v });
      }
      if (series.length) for (const h of hs) h.backfill?.(series);
    }
    this.lastT = Math.max(this.lastT, msg.t);
  }

  private onTick(data: string): void {
    const msg = JSON.parse(data) as { t: number; q: Chunk[] };
    for (const [i, chunk] of msg.q.entries()) {
      const hs = this.handlersFor(i);
      if (chunk.e) {
        for (const h of hs) h.error?.(chunk.e);
        continue;
      }
      this.define(chunk);
      const pts: LivePoint[] = [];
      for (const [id, v] of chunk.v ?? []) {
        const d = this.defs.get(id);
        if (d) pts.push({ key: d.key, labels: d.labels, v: v === null ? Number.NaN : v });
      }
      for (const h of hs) h.points(msg.t, pts);
    }
    this.lastT = msg.t;
    if (this.status !== 'live') this.setStatus('live');
  }

  /** The fallback: one instant query per expression per second. */
  private poll(): void {
    this.setStatus('polling');
    const tick = async () => {
      const t = Math.floor(Date.now() / 1000) * 1000;
      await Promise.all(
        this.exprs.map(async (expr, i) => {
          const r = await api.query(expr, t);
          const hs = this.handlersFor(i);
          if (!r.ok) {
            for (const h of hs) h.error?.(r.error);
            return;
          }
          const pts = vectorRows(r.data).map((row) => ({
            key: labelKey(row.labels),
            labels: row.labels,
            v: row.value,
          }));
          for (const h of hs) h.points(t, pts);
        }),
      );
      this.lastT = t;
    };
    this.pollTimer = setInterval(tick, 1000);
    void tick();
  }
}
