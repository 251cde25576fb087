// GET /api/sonde/v1/live?query=EXPR&query=EXPR[&since=MS] — the dashboard's
// live stream, as Server-Sent Events.
//
// One stream per page carries the new points of the page's visible queries
// once per tick (1 s). Every message names its tick time as the SSE id, so a
// browser's automatic reconnect sends Last-Event-ID and the stream opens with
// the missed points (gap fill); `since` asks for the same explicitly.
//
// Events:
//   hello     {"interval":1000,"t":T,"q":[{"n":[[id,labels],...],"s":[[id,[t...],[v...]],...]} | {"e":msg}, ...]}
//             series definitions per query, and with since/Last-Event-ID the
//             points after it, columnar (t in ms; null = no value)
//   (message) id: T  {"t":T,"q":[{"n":[[id,labels]...],"v":[[id,v]...]} | {"e":msg}, ...]}
//             each query's value per series at tick T; `n` defines series new since the last tick
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiDeps, RoutePlugin } from '../deps.js';
import { LiveHub, type LiveQuery, jsonNum } from './hub.js';

export interface LiveOptions {
  readonly intervalMs?: number;
  readonly maxStreams?: number;
  readonly maxQueriesPerStream?: number;
  readonly maxQueries?: number;
  readonly maxSeriesPerQuery?: number;
  /** How far back a gap fill reaches. */
  readonly maxBackfillMs?: number;
  /** A stream whose unsent output passes this is closed; its client reconnects and fills the gap. */
  readonly maxBufferedBytes?: number;
  /** Streams written per turn of the event loop during a tick's fan-out, so requests interleave. */
  readonly fanOutSlice?: number;
}

const DEFAULTS = {
  intervalMs: 1000,
  maxStreams: 5000,
  maxQueriesPerStream: 32,
  maxQueries: 512,
  maxSeriesPerQuery: 500,
  maxBackfillMs: 15 * 60_000,
  maxBufferedBytes: 4 * 1024 * 1024,
  fanOutSlice: 100,
} satisfies Required<LiveOptions>;

interface Stream {
  readonly reply: FastifyReply;
  readonly queries: LiveQuery[];
  /** The stream's expressions in order: streams with the same key get the same tick message. */
  readonly key: string;
  /** Ticks at or before this were sent (in the hello's backfill, or as ticks). */
  sentThrough: number;
}

export interface LiveStats {
  streams: number;
  queries: number;
  skippedTicks: number;
}

function badRequest(reply: FastifyReply, error: string) {
  return reply.code(400).send({ status: 'error', errorType: 'bad_data', error });
}

function queryParams(req: FastifyRequest): { exprs: string[]; since: number | null } {
  const q = req.query as Record<string, string | string[] | undefined>;
  const raw = q.query ?? q['query[]'];
  const exprs = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((e) => e.trim());
  const lastId = req.headers['last-event-id'];
  const sinceText = (typeof lastId === 'string' && lastId) || (typeof q.since === 'string' ? q.since : '');
  let since: number | null = null;
  if (sinceText) {
    const n = Number(sinceText);
    // Accept ms or (Prometheus-style) seconds.
    if (Number.isFinite(n)) since = n < 1e11 ? n * 1000 : n;
  }
  return { exprs, since };
}

/** Builds the live-stream routes; `liveRoutes` is this with the defaults. */
export function createLiveRoutes(options: LiveOptions = {}): RoutePlugin & { stats?: () => LiveStats } {
  const o = { ...DEFAULTS, ...options };
  let statsFn: () => LiveStats = () => ({ streams: 0, queries: 0, skippedTicks: 0 });

  const plugin = (app: FastifyInstance, deps: ApiDeps) => {
    const log = deps.logger.child({ component: 'live' });
    const streams = new Set<Stream>();
    const hub = new LiveHub({
      engine: deps.engine,
      snapshot: () => deps.storage.querier(),
      intervalMs: o.intervalMs,
      maxQueries: o.maxQueries,
      maxSeriesPerQuery: o.maxSeriesPerQuery,
      timeoutMs: Math.max(200, o.intervalMs * 0.8),
      onError: (err, expr) => log.debug({ err, expr }, 'live query failed'),
      onTick: (t) => {
        fanning = fanning.then(() => fanOut(t)).catch((err) => log.warn({ err }, 'live fan-out failed'));
      },
    });
    statsFn = () => ({ streams: streams.size, queries: hub.size, skippedTicks: hub.skipped });
    let fanning: Promise<void> = Promise.resolve();

    function message(queries: readonly LiveQuery[], t: number): Buffer {
      let body = `id: ${t}\ndata: {"t":${t},"q":[`;
      for (let i = 0; i < queries.length; i++) {
        const q = queries[i];
        body += (i ? ',' : '') + (q.chunkT === t ? q.chunk : '{"n":[],"v":[]}');
      }
      return Buffer.from(`${body}]}\n\n`);
    }

    /**
     * Sends tick `t` to every stream. Each distinct set of queries gets its
     * message built and encoded once, from the chunks as they are now; the
     * writes then go out a slice at a time, yielding between slices so API
     * requests are not held up behind a thousand socket writes.
     */
    async function fanOut(t: number): Promise<void> {
      const targets = [...streams];
      const messages = new Map<string, Buffer>();
      for (const s of targets) if (!messages.has(s.key)) messages.set(s.key, message(s.queries, t));
      for (let i = 0; i < targets.length; i++) {
        if (i > 0 && i % o.fanOutSlice === 0) await new Promise<void>((r) => setImmediate(r));
        const s = targets[i];
        const body = messages.get(s.key);
        if (body && streams.has(s)) write(s, t, body);
      }
    }

    function write(s: Stream, t: number, body: Buffer): void {
      if (t <= s.sentThrough) return;
      const raw = s.reply.raw;
      if (raw.destroyed) return;
      if (raw.writableLength > o.maxBufferedBytes) {
        log.warn({ buffered: raw.writableLength }, 'live stream too slow; closing it so it reconnects');
        raw.destroy();
        return;
      }
      s.sentThrough = t;
      raw.write(body);
    }

    async function backfill(q: LiveQuery, from: number, to: number): Promise<string> {
      const defs: string[] = [];
      const cols: string[] = [];
      if (from <= to) {
        const value = await deps.engine.range(q.expr, from, to, o.intervalMs, { timeoutMs: 5000 });
        if (value.type === 'matrix') {
          for (const s of value.series.slice(0, o.maxSeriesPerQuery)) {
            if (s.t.length === 0) continue;
            const { id } = hub.idFor(q, s.labels, to, false);
            defs.push(`[${id},${JSON.stringify(s.labels)}]`);
            cols.push(`[${id},[${Array.from(s.t).join(',')}],[${Array.from(s.v, jsonNum).join(',')}]]`);
          }
        }
      }
      // Series known from ticks but absent from the backfill still need their labels.
      const known = hub.definitions(q);
      const n = defs.length ? `[${defs.join(',')}${known === '[]' ? '' : `,${known.slice(1, -1)}`}]` : known;
      return `{"n":${n},"s":[${cols.join(',')}]}`;
    }

    app.get('/api/sonde/v1/live', async (req, reply) => {
      const { exprs, since } = queryParams(req);
      if (exprs.length === 0) return badRequest(reply, 'at least one query parameter is required');
      if (exprs.length > o.maxQueriesPerStream)
        return badRequest(reply, `at most ${o.maxQueriesPerStream} queries per stream, got ${exprs.length}`);
      if (exprs.some((e) => e === '' || e.length > 8192))
        return badRequest(
          reply,
          'each query must be a non-empty PromQL expression of at most 8192 characters',
        );
      if (streams.size >= o.maxStreams) {
        return reply
          .code(503)
          .header('retry-after', '5')
          .send({
            status: 'error',
            errorType: 'unavailable',
            error: `too many live streams (${o.maxStreams})`,
          });
      }
      const queries: LiveQuery[] = [];
      for (const e of exprs) {
        const q = hub.acquire(e);
        if (!q) {
          for (const held of queries) hub.release(held);
          return reply
            .code(503)
            .header('retry-after', '5')
            .send({ status: 'error', errorType: 'unavailable', error: 'too many distinct live queries' });
        }
        queries.push(q);
      }
      const now = hub.tickAt(Date.now());
      // The hub may have been idle (no streams): its last tick is then stale.
      const lastSent = Math.max(hub.lastTickMs, now - o.intervalMs);
      const stream: Stream = { reply, queries, key: exprs.join('\n'), sentThrough: 0 };
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        streams.delete(stream);
        for (const q of queries) hub.release(q);
      };

      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.on('close', release);
      raw.on('error', release);
      raw.write(`retry: 2000\n: sonde live stream, ${queries.length} queries every ${o.intervalMs} ms\n\n`);

      // Gap fill: the points after `since` up to the last tick, in as many
      // rounds as it takes to catch up with ticks that happen meanwhile. The
      // stream joins the tick fan-out right after the last round, with no
      // await in between, so no tick is missed or sent twice.
      let from = since === null ? null : Math.max(since + o.intervalMs, now - o.maxBackfillMs);
      let through = lastSent;
      for (let round = 0; round < 5; round++) {
        const parts = await Promise.all(
          queries.map(async (q) => {
            try {
              if (from === null) return `{"n":${hub.definitions(q)},"s":[]}`;
              return await backfill(q, from, through);
            } catch (err) {
              return `{"e":${JSON.stringify(err instanceof Error ? err.message : String(err))}}`;
            }
          }),
        );
        if (raw.destroyed) return;
        raw.write(
          `event: hello\ndata: {"interval":${o.intervalMs},"t":${through},"q":[${parts.join(',')}]}\n\n`,
        );
        if (hub.lastTickMs <= through) break;
        from = through + o.intervalMs;
        through = hub.lastTickMs;
      }
      stream.sentThrough = through;
      streams.add(stream);
    });

    app.addHook('preClose', async () => {
      hub.close();
      for (const s of streams) s.reply.raw.end();
      streams.clear();
    });
  };
  return Object.assign(plugin, { stats: () => statsFn() });
}

export const liveRoutes = createLiveRoutes();
