// OTLP/HTTP JSON export of a registry to an OpenTelemetry collector
// (`${url}/v1/metrics`): counters as monotonic cumulative sums, gauges as
// gauges, histograms as exponential histograms (the sketch, re-indexed to
// OTLP's lower-exclusive buckets), summaries as summaries. Temporality is
// cumulative, so a failed export loses nothing: the next one carries it.
import { hostname } from 'node:os';
import { Counter } from './counter.js';
import { type Registry, register as defaultRegister } from './registry.js';
import { type MetricSnapshot, snapshotRegistry } from './snapshot.js';

const SCOPE = { name: '@sonde/sdk', version: '0.1.0' };
const CUMULATIVE = 2;
const processStartNs = BigInt(Math.round((performance.timeOrigin ?? Date.now()) * 1e6));

export interface OtlpOptions {
  /** Collector base URL, e.g. http://otel-collector:4318 (the path /v1/metrics is added). */
  url: string;
  /** Milliseconds between exports (default 60,000, the OpenTelemetry default). */
  interval?: number;
  registry?: Registry;
  /** service.name (default the npm package name, else "node"). */
  serviceName?: string;
  /** More resource attributes. */
  resource?: Record<string, string>;
  headers?: Record<string, string>;
  /** Request timeout in ms (default 10,000). */
  timeout?: number;
}

type AnyValue = { stringValue: string };
type KeyValue = { key: string; value: AnyValue };

function attrs(labels: Record<string, string>): KeyValue[] {
  const out: KeyValue[] = [];
  for (const k in labels) out.push({ key: k, value: { stringValue: labels[k] } });
  return out;
}

/** A double in protobuf JSON: NaN and infinities as strings. */
function dbl(v: number): number | string {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

const u64 = (n: number) => String(Math.round(n));

/** The ExportMetricsServiceRequest (OTLP JSON encoding) for a snapshot. */
export function buildOtlpRequest(
  snap: readonly MetricSnapshot[],
  resource: Record<string, string>,
  timeMs = Date.now(),
): Record<string, unknown> {
  const timeUnixNano = (BigInt(Math.round(timeMs)) * 1_000_000n).toString();
  const startTimeUnixNano = processStartNs.toString();
  const metrics: Record<string, unknown>[] = [];
  for (const m of snap) {
    const base = { name: m.name, description: m.help, unit: m.unit };
    const point = (labels: Record<string, string>) => ({
      attributes: attrs(labels),
      startTimeUnixNano,
      timeUnixNano,
    });
    if (m.type === 'counter') {
      metrics.push({
        ...base,
        sum: {
          aggregationTemporality: CUMULATIVE,
          isMonotonic: true,
          dataPoints: m.series.map((s) => ({ ...point(s.labels), asDouble: dbl(s.value ?? 0) })),
        },
      });
    } else if (m.type === 'gauge') {
      metrics.push({
        ...base,
        gauge: { dataPoints: m.series.map((s) => ({ ...point(s.labels), asDouble: dbl(s.value ?? 0) })) },
      });
    } else if (m.type === 'histogram') {
      metrics.push({
        ...base,
        exponentialHistogram: {
          aggregationTemporality: CUMULATIVE,
          dataPoints: m.series.map((s) => {
            const h = s.histogram!;
            return {
              ...point(s.labels),
              count: u64(h.count),
              sum: dbl(h.sum),
              scale: h.schema,
              zeroCount: u64(h.zeroCount),
              zeroThreshold: h.zeroThreshold,
              // Prometheus bucket i is (b^(i-1), b^i]; OTLP bucket i is (b^i, b^(i+1)].
              positive: { offset: h.positive.offset - 1, bucketCounts: h.positive.counts.map(u64) },
              negative: { offset: h.negative.offset - 1, bucketCounts: h.negative.counts.map(u64) },
              ...(s.min !== undefined ? { min: s.min, max: s.max } : {}),
            };
          }),
        },
      });
    } else {
      metrics.push({
        ...base,
        summary: {
          dataPoints: m.series.map((s) => ({
            ...point(s.labels),
            count: u64(s.count ?? 0),
            sum: dbl(s.sum ?? 0),
            quantileValues: (s.quantiles ?? []).map(([quantile, value]) => ({ quantile, value: dbl(value) })),
          })),
        },
      });
    }
  }
  return {
    resourceMetrics: [
      { resource: { attributes: attrs(resource) }, scopeMetrics: [{ scope: SCOPE, metrics }] },
    ],
  };
}

export interface OtlpExporter {
  /** Exports now; resolves true when the collector accepted it. */
  flush(): Promise<boolean>;
  /** Stops the timer after one last export. */
  stop(): Promise<void>;
}

/** Starts exporting a registry over OTLP/HTTP JSON. Never throws into the app after this call. */
export function otlpExport(opts: OtlpOptions): OtlpExporter {
  if (opts === null || typeof opts !== 'object' || typeof opts.url !== 'string') {
    throw new TypeError('otlpExport: options must include url, e.g. http://otel-collector:4318');
  }
  try {
    new URL(opts.url);
  } catch {
    throw new TypeError(`otlpExport: url ${JSON.stringify(opts.url)} is not a valid URL`);
  }
  for (const k of ['interval', 'timeout'] as const) {
    const v = opts[k];
    if (v !== undefined && !(typeof v === 'number' && v > 0 && Number.isFinite(v))) {
      throw new TypeError(`otlpExport: ${k} must be a positive number`);
    }
  }
  const registry = opts.registry ?? defaultRegister;
  const endpoint = opts.url.replace(/\/+$/, '') + '/v1/metrics';
  const resource = {
    'service.name': opts.serviceName ?? process.env.npm_package_name ?? 'node',
    'service.instance.id': `${hostname()}:${process.pid}`,
    'telemetry.sdk.name': '@sonde/sdk',
    'telemetry.sdk.language': 'nodejs',
    ...opts.resource,
  };
  const existing = registry.getSingleMetric('sonde_sdk_otlp_failed_exports_total');
  const failed =
    existing instanceof Counter
      ? existing
      : new Counter({
          name: 'sonde_sdk_otlp_failed_exports_total',
          help: 'OTLP exports that failed (the next cumulative export carries their data).',
          registers: [registry],
        });
  let warned = false;
  let running: Promise<boolean> | undefined;

  async function exportOnce(): Promise<boolean> {
    try {
      const body = JSON.stringify(buildOtlpRequest(await snapshotRegistry(registry), resource));
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...opts.headers },
        body,
        signal: AbortSignal.timeout(opts.timeout ?? 10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return true;
    } catch (e) {
      failed.inc();
      if (!warned) {
        warned = true;
        process.emitWarning(`sonde OTLP export to ${endpoint} failed: ${(e as Error).message}`, {
          code: 'SONDE_OTLP',
        });
      }
      return false;
    }
  }

  const run = (): Promise<boolean> => {
    if (running) return running.then(run);
    running = exportOnce().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => void run(), opts.interval ?? 60_000);
  timer.unref();
  return {
    flush: run,
    async stop() {
      clearInterval(timer);
      await run();
    },
  };
}
