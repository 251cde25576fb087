// Push to a sonde server: every `interval` the registry is snapshotted into a
// bounded buffer, and the buffer is POSTed as JSON to
// `${url}/api/sonde/v1/push` (gzip when large). Failures are retried with
// exponential backoff; when the buffer is full the oldest snapshots are
// dropped and counted in sonde_sdk_push_dropped_samples_total. Nothing here
// throws into the app or blocks it: errors become warnings (once per kind).
import { hostname } from 'node:os';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { Counter } from './counter.js';
import { type Registry, register as defaultRegister } from './registry.js';
import type { HistogramSample } from './sketch/exponential.js';
import { type MetricSnapshot, snapshotRegistry } from './snapshot.js';

const gzip = promisify(gzipCb);

export interface PushOptions {
  /** Base URL of the sonde server, e.g. http://sonde:9977. */
  url: string;
  /** Milliseconds between snapshots (default 10,000). */
  interval?: number;
  /** `job` label of everything pushed (default the npm package name, else "node"). */
  job?: string;
  /** `instance` label (default hostname:pid). */
  instance?: string;
  registry?: Registry;
  /** Most samples (floats and histograms) held while the server is unreachable (default 100,000). */
  maxBufferedSamples?: number;
  /** Bodies larger than this many bytes are gzipped (default 4096). */
  gzipThreshold?: number;
  /** Request timeout in ms (default 10,000). */
  timeout?: number;
  /** Extra request headers (e.g. authorization). */
  headers?: Record<string, string>;
  /** Backoff bounds in ms for retries (default 1,000 .. 60,000). */
  minBackoff?: number;
  maxBackoff?: number;
}

/** The JSON body, as agreed with sonde's ingest. */
export interface PushBody {
  labels: { job: string; instance: string };
  metadata: Record<string, { type: string; help: string; unit: string }>;
  series: PushSeries[];
}
export interface PushSeries {
  labels: Record<string, string>;
  /** [Unix ms, value]; NaN and ±Inf as the strings "NaN", "+Inf", "-Inf". */
  samples: [number, number | string][];
  histograms: [number, HistogramSample][];
}

export interface PushBatch {
  t: number;
  snap: MetricSnapshot[];
  samples: number;
}

export interface Pusher {
  /** Takes a snapshot now and sends everything buffered; resolves true when the server accepted it. */
  flush(): Promise<boolean>;
  /** Stops the timer and makes one last attempt to send. */
  stop(): Promise<void>;
  /** Samples buffered and not yet accepted. */
  readonly buffered: number;
}

function checkOptions(o: PushOptions): void {
  if (o === null || typeof o !== 'object') throw new TypeError('push: options must be an object');
  if (typeof o.url !== 'string') throw new TypeError('push: url must be a string such as http://sonde:9977');
  try {
    new URL(o.url);
  } catch {
    throw new TypeError(`push: url ${JSON.stringify(o.url)} is not a valid URL`);
  }
  for (const k of [
    'interval',
    'maxBufferedSamples',
    'gzipThreshold',
    'timeout',
    'minBackoff',
    'maxBackoff',
  ] as const) {
    const v = o[k];
    if (v !== undefined && !(typeof v === 'number' && v > 0 && Number.isFinite(v))) {
      throw new TypeError(`push: ${k} must be a positive number, got ${String(v)}`);
    }
  }
}

function sampleCount(snap: MetricSnapshot[]): number {
  let n = 0;
  for (const m of snap) {
    for (const s of m.series) n += s.quantiles ? s.quantiles.length + 2 : 1;
  }
  return n;
}

/** Builds the push body from buffered snapshots (one series entry per label set). */
export function buildPushBody(batches: readonly PushBatch[], job: string, instance: string): PushBody {
  const metadata: PushBody['metadata'] = {};
  const byKey = new Map<string, PushSeries>();
  const entry = (labels: Record<string, string>): PushSeries => {
    const key = JSON.stringify(labels);
    let e = byKey.get(key);
    if (!e) {
      e = { labels, samples: [], histograms: [] };
      byKey.set(key, e);
    }
    return e;
  };
  const float = (name: string, labels: Record<string, string>, t: number, v: number | undefined) => {
    if (v === undefined) return;
    // JSON has no NaN/Inf: sonde's ingest takes them as strings.
    const jv = Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
    entry({ __name__: name, ...labels }).samples.push([t, jv]);
  };
  for (const b of batches) {
    for (const m of b.snap) {
      metadata[m.name] = { type: m.type, help: m.help, unit: m.unit };
      for (const s of m.series) {
        if (m.type === 'histogram' && s.histogram) {
          entry({ __name__: m.name, ...s.labels }).histograms.push([b.t, s.histogram]);
        } else if (m.type === 'summary') {
          for (const [q, v] of s.quantiles ?? []) float(m.name, { ...s.labels, quantile: String(q) }, b.t, v);
          float(m.name + '_sum', s.labels, b.t, s.sum);
          float(m.name + '_count', s.labels, b.t, s.count);
        } else {
          float(m.name, s.labels, b.t, s.value);
        }
      }
    }
  }
  return { labels: { job, instance }, metadata, series: [...byKey.values()] };
}

const warned = new Set<string>();
function warnOnce(kind: string, msg: string): void {
  if (warned.has(kind)) return;
  warned.add(kind);
  process.emitWarning(msg, { code: 'SONDE_PUSH' });
}

/** Starts pushing the registry to a sonde server: `push({ url: 'http://sonde:9977', interval: 10_000 })`. */
export function push(opts: PushOptions): Pusher {
  checkOptions(opts);
  const registry = opts.registry ?? defaultRegister;
  const endpoint = opts.url.replace(/\/+$/, '') + '/api/sonde/v1/push';
  const interval = opts.interval ?? 10_000;
  const maxSamples = opts.maxBufferedSamples ?? 100_000;
  const gzipThreshold = opts.gzipThreshold ?? 4096;
  const timeout = opts.timeout ?? 10_000;
  const minBackoff = opts.minBackoff ?? 1000;
  const maxBackoff = opts.maxBackoff ?? 60_000;
  const job = opts.job ?? process.env.npm_package_name ?? 'node';
  const instance = opts.instance ?? `${hostname()}:${process.pid}`;
  const existing = registry.getSingleMetric('sonde_sdk_push_dropped_samples_total');
  const dropped =
    existing instanceof Counter
      ? (existing as Counter<'reason'>)
      : new Counter({
          name: 'sonde_sdk_push_dropped_samples_total',
          help: 'Samples the push client dropped: buffer full, or rejected by the server.',
          labelNames: ['reason'],
          registers: [registry],
        });

  const buffer: PushBatch[] = [];
  let buffered = 0;
  let backoff = 0;
  let retryAt = 0;
  let sending: Promise<boolean> | undefined;
  let stopped = false;

  const drop = (reason: string, n: number) => {
    if (n > 0) dropped.inc({ reason }, n);
  };

  async function snapshot(): Promise<void> {
    const snap = await snapshotRegistry(registry);
    const n = sampleCount(snap);
    buffer.push({ t: Date.now(), snap, samples: n });
    buffered += n;
    while (buffered > maxSamples && buffer.length > 1) {
      const old = buffer.shift()!;
      buffered -= old.samples;
      drop('buffer_full', old.samples);
      warnOnce('full', `sonde push: buffer full (${maxSamples} samples); dropping the oldest snapshots`);
    }
  }

  async function send(): Promise<boolean> {
    if (buffer.length === 0) return true;
    const batches = buffer.splice(0, buffer.length);
    const count = batches.reduce((a, b) => a + b.samples, 0);
    buffered -= count;
    const requeue = () => {
      buffer.unshift(...batches);
      buffered += count;
      while (buffered > maxSamples && buffer.length > 1) {
        const old = buffer.shift()!;
        buffered -= old.samples;
        drop('buffer_full', old.samples);
      }
    };
    try {
      const json = JSON.stringify(buildPushBody(batches, job, instance));
      const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
      let body: string | Buffer = json;
      if (Buffer.byteLength(json) > gzipThreshold) {
        body = await gzip(json);
        headers['content-encoding'] = 'gzip';
      }
      const res = await fetch(endpoint, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(timeout),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) {
        backoff = 0;
        return true;
      }
      if (res.status >= 400 && res.status < 500 && res.status !== 429 && res.status !== 408) {
        drop('rejected', count);
        warnOnce(
          `status${res.status}`,
          `sonde push: server rejected the batch with HTTP ${res.status}; dropped it`,
        );
        return false;
      }
      throw new Error(`HTTP ${res.status}`);
    } catch (e) {
      requeue();
      backoff = backoff === 0 ? minBackoff : Math.min(maxBackoff, backoff * 2);
      retryAt = Date.now() + backoff * (0.75 + Math.random() * 0.5);
      warnOnce(
        'unreachable',
        `sonde push to ${endpoint} failed (${(e as Error).message}); retrying with backoff`,
      );
      return false;
    }
  }

  function cycle(force: boolean): Promise<boolean> {
    if (sending) return sending.then(() => cycle(force));
    sending = (async () => {
      try {
        await snapshot();
        if (!force && Date.now() < retryAt) return false;
        return await send();
      } catch (e) {
        warnOnce('snapshot', `sonde push: collecting metrics failed: ${(e as Error).message}`);
        return false;
      } finally {
        sending = undefined;
      }
    })();
    return sending;
  }

  const timer = setInterval(() => {
    void cycle(false);
  }, interval);
  timer.unref();

  return {
    flush: () => cycle(true),
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      if (sending) await sending;
      await cycle(true);
    },
    get buffered() {
      return buffered;
    },
  };
}
