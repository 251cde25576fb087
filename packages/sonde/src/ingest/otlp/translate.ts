// OTLP metrics to Prometheus series, as Prometheus's OTLP translation does:
// gauges → gauges; cumulative monotonic sums → counters named _total;
// cumulative non-monotonic sums → gauges; histograms → classic
// _bucket{le}/_sum/_count; exponential histograms → native histogram
// samples; summaries → {quantile}/_sum/_count. service.namespace/service.name
// become `job`, service.instance.id `instance`, and the other resource
// attributes go to a `target_info` series. Delta sums and delta histograms
// are accumulated into running totals per series (reset when sonde restarts,
// which PromQL's rate handles as a counter reset); delta exponential
// histograms are refused with a reason.
import { STALE_NAN, labelsKey } from '../../storage/labels.js';
import type { BucketRun, HistogramSample, Labels, MetricType } from '../../storage/types.js';
import type { IngestBatch } from '../batch.js';
import { reduceSchema } from '../histogram.js';
import { formatValue } from '../exposition.js';
import { type OtlpKind, labelName, metricName } from './names.js';

// Plain shapes of the decoded messages (protobufjs toObject, or OTLP/JSON): 64-bit integers are strings or numbers.
type Int64 = string | number;
interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: Int64;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
}
interface KeyValue {
  key?: string;
  value?: AnyValue;
}
interface PointBase {
  attributes?: KeyValue[];
  timeUnixNano?: Int64;
  flags?: number;
}
interface NumberPoint extends PointBase {
  asDouble?: number;
  asInt?: Int64;
}
interface HistogramPoint extends PointBase {
  count?: Int64;
  sum?: number;
  bucketCounts?: Int64[];
  explicitBounds?: number[];
}
interface ExpBuckets {
  offset?: number;
  bucketCounts?: Int64[];
}
interface ExpHistogramPoint extends PointBase {
  count?: Int64;
  sum?: number;
  scale?: number;
  zeroCount?: Int64;
  zeroThreshold?: number;
  positive?: ExpBuckets;
  negative?: ExpBuckets;
}
interface SummaryPoint extends PointBase {
  count?: Int64;
  sum?: number;
  quantileValues?: { quantile?: number; value?: number }[];
}
interface Metric {
  name?: string;
  description?: string;
  unit?: string;
  gauge?: { dataPoints?: NumberPoint[] };
  sum?: { dataPoints?: NumberPoint[]; aggregationTemporality?: number | string; isMonotonic?: boolean };
  histogram?: { dataPoints?: HistogramPoint[]; aggregationTemporality?: number | string };
  exponentialHistogram?: { dataPoints?: ExpHistogramPoint[]; aggregationTemporality?: number | string };
  summary?: { dataPoints?: SummaryPoint[] };
}
export interface OtlpRequest {
  resourceMetrics?: {
    resource?: { attributes?: KeyValue[] };
    scopeMetrics?: { metrics?: Metric[] }[];
  }[];
}

const DELTA = 1;
const NO_RECORDED_VALUE = 1;
/** What Prometheus's translation uses as the zero bucket's width when OTLP gives none. */
const DEFAULT_ZERO_THRESHOLD = 1e-128;

function num(v: Int64 | undefined): number {
  return v === undefined ? 0 : Number(v);
}

function nanosToMs(v: Int64 | undefined): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return Math.trunc(v / 1e6);
  // Exact integer division for decimal strings (nanoseconds exceed 2^53); anything else goes through a float.
  return /^\d{1,20}$/.test(v) ? Number(BigInt(v) / 1_000_000n) : Math.trunc(Number(v) / 1e6);
}

function temporality(t: number | string | undefined): number {
  if (typeof t === 'number') return t;
  return t === 'AGGREGATION_TEMPORALITY_DELTA' ? 1 : t === 'AGGREGATION_TEMPORALITY_CUMULATIVE' ? 2 : 0;
}

export function attributeString(v: AnyValue | undefined): string {
  if (!v) return '';
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return String(v.boolValue);
  if (v.intValue !== undefined) return String(v.intValue);
  if (v.doubleValue !== undefined) return plainFloat(v.doubleValue);
  if (v.bytesValue !== undefined) return v.bytesValue;
  if (v.arrayValue) return JSON.stringify((v.arrayValue.values ?? []).map(attributeJson));
  if (v.kvlistValue) {
    return JSON.stringify(
      Object.fromEntries((v.kvlistValue.values ?? []).map((kv) => [kv.key, attributeJson(kv.value)])),
    );
  }
  return '';
}

function attributeJson(v: AnyValue | undefined): unknown {
  if (!v) return null;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(attributeJson);
  return attributeString(v);
}

/** Attributes to labels; names that collide after sanitizing have their values joined with ";", as Prometheus does. */
function addAttributes(out: Record<string, string>, attrs: KeyValue[] | undefined): void {
  if (!attrs) return;
  const sorted =
    attrs.length > 1 ? [...attrs].sort((a, b) => ((a.key ?? '') < (b.key ?? '') ? -1 : 1)) : attrs;
  for (const kv of sorted) {
    const name = labelName(kv.key ?? '');
    if (!name) continue;
    const value = attributeString(kv.value);
    out[name] = out[name] !== undefined && out[name] !== value ? `${out[name]};${value}` : value;
  }
}

const IDENTIFYING = new Set(['service.name', 'service.namespace', 'service.instance.id']);

interface ResourceLabels {
  readonly base: Labels;
  readonly info: Labels | null;
}

function resourceLabels(attrs: KeyValue[] | undefined): ResourceLabels {
  const get = (k: string) => attributeString(attrs?.find((a) => a.key === k)?.value);
  const service = get('service.name');
  const ns = get('service.namespace');
  const base: Record<string, string> = {};
  const job = ns ? `${ns}/${service}` : service;
  if (job) base.job = job;
  const instance = get('service.instance.id');
  if (instance) base.instance = instance;
  const rest = (attrs ?? []).filter((a) => !IDENTIFYING.has(a.key ?? ''));
  if (rest.length === 0) return { base, info: null };
  const info: Record<string, string> = { __name__: 'target_info' };
  addAttributes(info, rest);
  Object.assign(info, base);
  return { base, info };
}

interface HistogramTotal {
  bounds: readonly number[];
  counts: number[];
  sum: number;
  count: number;
}

/** Running totals for delta sums and delta histograms, per output series. */
export class DeltaState {
  private readonly totals = new Map<string, number>();
  private readonly histograms = new Map<string, HistogramTotal>();
  constructor(private readonly maxSeries = 100_000) {}

  add(labels: Labels, delta: number): number {
    const key = labelsKey(labels);
    const total = (this.totals.get(key) ?? 0) + delta;
    if (this.totals.size >= this.maxSeries && !this.totals.has(key)) this.totals.clear();
    this.totals.set(key, total);
    return total;
  }

  /** Adds a delta histogram point; a change of bucket bounds starts the totals afresh (a reset). */
  addHistogram(
    labels: Labels,
    bounds: readonly number[],
    counts: number[],
    sum: number,
    count: number,
  ): HistogramTotal {
    const key = labelsKey(labels);
    const prev = this.histograms.get(key);
    const same =
      prev !== undefined &&
      prev.bounds.length === bounds.length &&
      prev.counts.length === counts.length &&
      prev.bounds.every((b, i) => b === bounds[i]);
    const total: HistogramTotal = same
      ? {
          bounds,
          counts: prev.counts.map((c, i) => c + counts[i]),
          sum: prev.sum + sum,
          count: prev.count + count,
        }
      : { bounds, counts: [...counts], sum, count };
    if (this.histograms.size >= this.maxSeries && !prev) this.histograms.clear();
    this.histograms.set(key, total);
    return total;
  }
}

export interface TranslateResult {
  /** Data points that could not be stored; reported back as OTLP partial success. */
  rejectedPoints: number;
  /** The first reason, for the partial-success message. */
  firstError: string;
}

/** Writes one decoded export request into `batch`. */
export function translateOtlp(req: OtlpRequest, batch: IngestBatch, deltas: DeltaState): TranslateResult {
  const result: TranslateResult = { rejectedPoints: 0, firstError: '' };
  const reject = (n: number, reason: string) => {
    result.rejectedPoints += n;
    result.firstError ||= reason;
    batch.reject(0, reason, 'unsupported', n);
  };
  for (const rm of req.resourceMetrics ?? []) {
    const res = resourceLabels(rm.resource?.attributes);
    let latest = Number.NEGATIVE_INFINITY;
    for (const sm of rm.scopeMetrics ?? []) {
      for (const m of sm.metrics ?? []) {
        const t = translateMetric(m, res.base, batch, deltas, reject);
        if (t > latest) latest = t;
      }
    }
    if (res.info && latest > Number.NEGATIVE_INFINITY) batch.add(res.info, latest, 1);
  }
  return result;
}

type Reject = (n: number, reason: string) => void;

function seriesLabels(
  name: string,
  base: Labels,
  attrs: KeyValue[] | undefined,
  extra?: [string, string],
): Labels {
  const out: Record<string, string> = {};
  addAttributes(out, attrs);
  Object.assign(out, base);
  if (extra) out[extra[0]] = extra[1];
  out.__name__ = name;
  return out;
}

/** Returns the latest timestamp written (ms), or -Infinity. */
function translateMetric(
  m: Metric,
  base: Labels,
  batch: IngestBatch,
  deltas: DeltaState,
  reject: Reject,
): number {
  const unit = m.unit ?? '';
  const raw = m.name ?? '';
  let latest = Number.NEGATIVE_INFINITY;
  const meta = (name: string, type: MetricType) =>
    batch.setMetadata(name, { type, help: m.description ?? '', unit: unit.replace(/\{[^}]*\}/g, '') });
  const point = (labels: Labels, p: PointBase, v: number) => {
    const t = nanosToMs(p.timeUnixNano);
    batch.add(labels, t, (p.flags ?? 0) & NO_RECORDED_VALUE ? STALE_NAN : v);
    if (t > latest) latest = t;
  };
  if (m.gauge) {
    const name = metricName(raw, unit, 'gauge');
    meta(name, 'gauge');
    for (const p of m.gauge.dataPoints ?? [])
      point(seriesLabels(name, base, p.attributes), p, numberValue(p));
  } else if (m.sum) {
    const monotonic = m.sum.isMonotonic === true;
    const kind: OtlpKind = monotonic ? 'counter' : 'gauge';
    const name = metricName(raw, unit, kind);
    meta(name, kind);
    const delta = temporality(m.sum.aggregationTemporality) === DELTA;
    for (const p of m.sum.dataPoints ?? []) {
      const labels = seriesLabels(name, base, p.attributes);
      const v = numberValue(p);
      point(labels, p, delta && !((p.flags ?? 0) & NO_RECORDED_VALUE) ? deltas.add(labels, v) : v);
    }
  } else if (m.histogram) {
    const points = m.histogram.dataPoints ?? [];
    const delta = temporality(m.histogram.aggregationTemporality) === DELTA;
    const name = metricName(raw, unit, 'histogram');
    meta(name, 'histogram');
    for (const p of points) {
      const bounds = p.explicitBounds ?? [];
      let counts = (p.bucketCounts ?? []).map(num);
      if (counts.length !== 0 && counts.length !== bounds.length + 1) {
        reject(1, `${raw}: ${counts.length} bucket counts for ${bounds.length} bounds`);
        continue;
      }
      let count = num(p.count);
      let sum = p.sum;
      if (delta && !((p.flags ?? 0) & NO_RECORDED_VALUE)) {
        const total = deltas.addHistogram(
          seriesLabels(name, base, p.attributes),
          bounds,
          counts,
          sum ?? 0,
          count,
        );
        ({ counts, count } = total);
        if (sum !== undefined) sum = total.sum;
      }
      let cumulative = 0;
      for (let i = 0; i < counts.length; i++) {
        cumulative += counts[i];
        const le = i < bounds.length ? plainFloat(bounds[i]) : '+Inf';
        point(seriesLabels(`${name}_bucket`, base, p.attributes, ['le', le]), p, cumulative);
      }
      if (counts.length === 0)
        point(seriesLabels(`${name}_bucket`, base, p.attributes, ['le', '+Inf']), p, count);
      if (sum !== undefined) point(seriesLabels(`${name}_sum`, base, p.attributes), p, sum);
      point(seriesLabels(`${name}_count`, base, p.attributes), p, count);
    }
  } else if (m.exponentialHistogram) {
    const points = m.exponentialHistogram.dataPoints ?? [];
    if (temporality(m.exponentialHistogram.aggregationTemporality) === DELTA) {
      reject(
        points.length,
        `${raw}: delta exponential histograms are not supported; export with cumulative temporality`,
      );
      return latest;
    }
    const name = metricName(raw, unit, 'histogram');
    meta(name, 'histogram');
    for (const p of points) {
      const scale = p.scale ?? 0;
      if (scale < -4) {
        reject(1, `${raw}: exponential histogram scale ${scale} is below -4`);
        continue;
      }
      if ((p.flags ?? 0) & NO_RECORDED_VALUE) continue;
      const h: HistogramSample = reduceSchema({
        schema: scale,
        zeroThreshold: p.zeroThreshold || DEFAULT_ZERO_THRESHOLD,
        zeroCount: num(p.zeroCount),
        count: num(p.count),
        sum: p.sum ?? 0,
        positive: expRun(p.positive),
        negative: expRun(p.negative),
      });
      const t = nanosToMs(p.timeUnixNano);
      batch.addHistogram(seriesLabels(name, base, p.attributes), t, h);
      if (t > latest) latest = t;
    }
  } else if (m.summary) {
    const name = metricName(raw, unit, 'summary');
    meta(name, 'summary');
    for (const p of m.summary.dataPoints ?? []) {
      for (const q of p.quantileValues ?? []) {
        const quantile = plainFloat(q.quantile ?? 0);
        point(seriesLabels(name, base, p.attributes, ['quantile', quantile]), p, q.value ?? 0);
      }
      point(seriesLabels(`${name}_sum`, base, p.attributes), p, p.sum ?? 0);
      point(seriesLabels(`${name}_count`, base, p.attributes), p, num(p.count));
    }
  } else {
    reject(0, `${raw}: metric has no data`);
  }
  return latest;
}

/** A float as Go's strconv.FormatFloat(v, 'f', -1, 64) writes it: shortest digits, never an exponent. */
export function plainFloat(v: number): string {
  if (!Number.isFinite(v)) return formatValue(v);
  const s = String(v);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const neg = s.startsWith('-');
  const mantissa = s.slice(neg ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  const point = (dot < 0 ? mantissa.length : dot) + exp;
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return neg ? `-${out}` : out;
}

function numberValue(p: NumberPoint): number {
  if (p.asDouble !== undefined) return p.asDouble;
  return num(p.asInt);
}

/** OTLP bucket i covers (base^i, base^(i+1)]; Prometheus's index is one more. */
function expRun(b: ExpBuckets | undefined): BucketRun {
  const counts = (b?.bucketCounts ?? []).map(num);
  return { offset: (b?.offset ?? 0) + 1, counts };
}
