// What every HTTP middleware shares: the metrics, per-request state that a
// handler can annotate (cache hit/miss, error class, route), and recording.
// Labels: method, route (a template, "<unmatched>" when no route matched),
// status_code, and cache / error only when the handler set them.
import { Counter } from '../counter.js';
import { Gauge, type GaugeSeries } from '../gauge.js';
import { Histogram } from '../histogram.js';
import { type Registry, register as defaultRegister } from '../registry.js';

export const UNMATCHED = '<unmatched>';

/** OpenTelemetry's default HTTP duration buckets (seconds). */
export const HTTP_DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

export interface HttpMetricsOptions {
  /** Registry for the metrics (default `register`). Middleware sharing a registry share the metrics. */
  registry?: Registry;
  /** Prefix for the three metric names. */
  prefix?: string;
  /** Classic buckets of the duration histogram (default OpenTelemetry's HTTP buckets). */
  buckets?: number[];
  /** Series limit per metric (default 10,000). */
  maxSeries?: number;
}

export type CacheResult = 'hit' | 'miss';

/** What a handler can tell the middleware about its request. */
export class RequestState {
  readonly start = process.hrtime.bigint();
  /** When the response ended, if recorded later than that. */
  endAt: bigint | undefined = undefined;
  route: string | undefined = undefined;
  cache: CacheResult | undefined = undefined;
  error: string | undefined = undefined;
  done = false;
  constructor(readonly method: string) {}
}

// Kept on the request objects themselves (a symbol property is cheaper per
// request than a WeakMap entry).
const STATE = Symbol.for('sonde.http.request');
type WithState = { [STATE]?: RequestState };

/** The state of the request behind `req` (node request, Fastify request, Hono context), if instrumented. */
export function requestState(req: object): RequestState | undefined {
  return req == null ? undefined : (req as WithState)[STATE];
}

/** Marks the request as a cache hit or miss (`cache` label). */
export function markCache(req: object, result: CacheResult): void {
  const s = requestState(req);
  if (s) s.cache = result === 'hit' ? 'hit' : 'miss';
}

/** Sets the `error` label: an error class name, or the class of an Error object. */
export function markError(req: object, error: string | Error): void {
  const s = requestState(req);
  if (s) s.error = errorClass(error);
}

/** Sets the route template where the framework has none (plain node:http). */
export function setRoute(req: object, route: string): void {
  const s = requestState(req);
  if (s) s.route = route;
}

export function errorClass(e: unknown): string {
  if (typeof e === 'string') return e;
  if (e instanceof Error) return e.name && e.name !== 'Error' ? e.name : (e.constructor?.name ?? 'Error');
  return 'Error';
}

export function normalizeMethod(m: string | undefined): string {
  if (m === undefined) return '_OTHER';
  return METHODS.has(m) ? m : '_OTHER';
}

type Labels = 'method' | 'route' | 'status_code' | 'cache' | 'error';

export class HttpMetrics {
  readonly duration: Histogram<Labels>;
  readonly requests: Counter<Labels>;
  readonly inFlight: Gauge<'method'>;

  private constructor(opts: HttpMetricsOptions) {
    const registers = [opts.registry ?? defaultRegister];
    const prefix = opts.prefix ?? '';
    const labelNames: Labels[] = ['method', 'route', 'status_code', 'cache', 'error'];
    this.duration = new Histogram({
      name: prefix + 'http_server_request_duration_seconds',
      help: 'Duration of HTTP server requests, from the request to the end of the response.',
      labelNames,
      buckets: opts.buckets ?? HTTP_DURATION_BUCKETS,
      registers,
      unit: 'seconds',
      maxSeries: opts.maxSeries,
    });
    this.requests = new Counter({
      name: prefix + 'http_server_requests_total',
      help: 'HTTP server requests completed.',
      labelNames,
      registers,
      maxSeries: opts.maxSeries,
    });
    this.inFlight = new Gauge({
      name: prefix + 'http_server_active_requests',
      help: 'HTTP server requests in flight.',
      labelNames: ['method'],
      registers,
    });
  }

  private static readonly byRegistry = new WeakMap<Registry, Map<string, HttpMetrics>>();

  /** The metrics for a registry and prefix (created once, shared by every middleware using them). */
  static for(opts: HttpMetricsOptions = {}): HttpMetrics {
    const reg = opts.registry ?? defaultRegister;
    let byPrefix = HttpMetrics.byRegistry.get(reg);
    if (!byPrefix) {
      byPrefix = new Map();
      HttpMetrics.byRegistry.set(reg, byPrefix);
    }
    const key = opts.prefix ?? '';
    let m = byPrefix.get(key);
    if (!m || reg.getSingleMetric(m.duration.name) !== m.duration) {
      m = new HttpMetrics(opts);
      byPrefix.set(key, m);
    }
    return m;
  }

  private readonly inFlightByMethod = new Map<string, GaugeSeries>();

  private inFlightOf(method: string): GaugeSeries {
    let g = this.inFlightByMethod.get(method);
    if (g === undefined || !g.attached) {
      g = this.inFlight.labels(method);
      this.inFlightByMethod.set(method, g);
    }
    return g;
  }

  /** Starts tracking a request; `a`..`c` are the objects a handler may pass to markCache/markError. */
  begin(method: string | undefined, a: object, b?: object, c?: object): RequestState {
    const s = new RequestState(normalizeMethod(method));
    (a as WithState)[STATE] = s;
    if (b) (b as WithState)[STATE] = s;
    if (c) (c as WithState)[STATE] = s;
    this.inFlightOf(s.method).inc();
    return s;
  }

  /** Records a finished request once (later calls are ignored). Never throws. */
  end(s: RequestState, status: number, route: string | undefined): void {
    if (s.done) return;
    s.done = true;
    try {
      const seconds = Number((s.endAt ?? process.hrtime.bigint()) - s.start) / 1e9;
      const r = s.route ?? route ?? UNMATCHED;
      const code = statusString(status);
      this.inFlightOf(s.method).dec();
      this.duration.labels(s.method, r, code, s.cache as string, s.error as string).observe(seconds);
      this.requests.labels(s.method, r, code, s.cache as string, s.error as string).inc();
    } catch {
      // instrumentation must never break a response
    }
  }
}

const statusStrings: string[] = [];
function statusString(n: number): string {
  if (n >= 100 && n < 600) return (statusStrings[n] ??= String(n));
  return String(n | 0);
}
