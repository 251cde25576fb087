// One ingest request's writes: every path (import, remote_write, OTLP, push)
// hands its samples here. A series' labels are checked, redacted and merged
// with request-wide labels once per distinct labels object, then each sample
// is appended; `commit()` resolves when the store has made it durable and
// reports what was kept and what was not, and why.
import type {
  Appender,
  AppendResult,
  HistogramSample,
  Labels,
  MetricMetadata,
  Storage,
} from '../storage/types.js';
import { isLabelName } from '../storage/index.js';
import { MAX_DENSE_BUCKETS } from './histogram.js';
import { IngestLimitError, type IngestLimits } from './limits.js';
import { redactValue } from './redact.js';
import type { SeriesEntry } from './series-entry.js';
import type { IngestStats, RejectReason } from './stats.js';

export interface RejectedLine {
  /** 1-based line of the input, or 0 when the input has no lines (protobuf, JSON). */
  readonly line: number;
  readonly reason: string;
}

export interface IngestSummary {
  /** Distinct series written to. */
  readonly series: number;
  /** Samples (float and histogram) the store accepted. */
  readonly samples: number;
  /** Smallest and largest timestamp appended (ms), null when none. */
  readonly minTime: number | null;
  readonly maxTime: number | null;
  /** The first rejected lines or samples with reasons, capped at `maxRejectedReported`. */
  readonly rejected: readonly RejectedLine[];
  /** All rejections, listed or not: the input's and the store's. */
  readonly rejectedTotal: number;
  /** What the store refused, by reason. */
  readonly storage: Omit<AppendResult, 'accepted'>;
}

/**
 * Checked-and-redacted labels kept across requests, for sources that hand
 * back the same Labels object for the same series: a series is then checked
 * once, not once per request. Sources with a cache of their own hand
 * SeriesEntry objects to `addEntry` instead, which keep the same state.
 */
export class PreparedLabelsCache {
  readonly map = new WeakMap<Labels, { out: Labels | string; gen: number }>();
  gen = 0;
}

export interface BatchOptions {
  readonly limits: IngestLimits;
  /** Where the data came from, for the counters (e.g. "remote_write"). */
  readonly path: string;
  readonly stats?: IngestStats;
  /** Labels added to every series, replacing a series' own label of that name. */
  readonly extraLabels?: Labels;
  /** Redact secrets in label values (default true). */
  readonly redact?: boolean;
  /** Timestamp (ms) for samples that carry none; without it they are rejected. */
  readonly defaultTime?: number;
  /** Apply the per-request sample and series limits (default true; off for file import). */
  readonly enforceRequestLimits?: boolean;
  /** A cache shared by the batches of one source; not with `extraLabels`, which vary per request. */
  readonly shared?: PreparedLabelsCache;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Why a label set cannot be stored, or undefined when it can. */
const LONE_SURROGATE = /\p{Cs}/u;

export function checkLabels(labels: Labels, limits: IngestLimits): string | undefined {
  const name = labels.__name__;
  if (!name) return 'series has no metric name (__name__)';
  if (!METRIC_NAME.test(name)) return `invalid metric name "${truncate(name)}"`;
  let n = 0;
  for (const k in labels) {
    n++;
    if (k.length > limits.maxLabelNameLength)
      return `label name "${truncate(k)}" is longer than ${limits.maxLabelNameLength}`;
    if (k !== '__name__' && !isLabelName(k)) return `invalid label name "${truncate(k)}"`;
    const v = labels[k];
    if (typeof v !== 'string') return `label "${k}" has a non-string value`;
    if (v.length > limits.maxLabelValueLength) {
      return `value of label "${k}" is longer than ${limits.maxLabelValueLength} characters`;
    }
    // A JSON "\ud800" escape decodes to a lone surrogate, which has no UTF-8 form.
    if (LONE_SURROGATE.test(v)) return `value of label "${k}" is not valid UTF-8 (a lone surrogate)`;
  }
  if (n > limits.maxLabelsPerSeries) return `series has ${n} labels, more than ${limits.maxLabelsPerSeries}`;
  return undefined;
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

export class IngestBatch {
  private readonly appender: Appender;
  private readonly appendRef: Appender['appendRef'];
  private readonly limits: IngestLimits;
  private readonly prepared = new Map<Labels, Labels | string>();
  private readonly meta = new Map<string, MetricMetadata>();
  private readonly rejectedList: RejectedLine[] = [];
  private readonly enforce: boolean;
  private lastIn: Labels | null = null;
  private lastOut: Labels | string = '';
  private seriesCount = 0;
  private readonly shared: PreparedLabelsCache | undefined;
  private readonly gen: number;
  private pending = 0;
  private appended = 0;
  private minT = Number.POSITIVE_INFINITY;
  private maxT = Number.NEGATIVE_INFINITY;
  private rejectedInput = 0;
  private accepted = 0;
  private storageRejected = { outOfOrder: 0, duplicate: 0, tooOld: 0, invalid: 0 };

  constructor(
    private readonly storage: Storage,
    private readonly options: BatchOptions,
  ) {
    this.appender = storage.appender();
    this.appendRef = this.appender.appendRef?.bind(this.appender);
    this.limits = options.limits;
    this.enforce = options.enforceRequestLimits ?? true;
    this.shared = options.extraLabels ? undefined : options.shared;
    this.gen = this.shared ? ++this.shared.gen : 0;
  }

  /** Samples appended and not yet committed. */
  get pendingSamples(): number {
    return this.pending;
  }

  /** The labels to store for a series, or the reason it is rejected (checked once per labels object). */
  prepare(labels: Labels): Labels | string {
    if (labels === this.lastIn) return this.lastOut;
    let out: Labels | string | undefined;
    let isNew = false;
    if (this.shared) {
      const entry = this.shared.map.get(labels);
      if (entry === undefined) {
        out = this.prepareNew(labels);
        this.shared.map.set(labels, { out, gen: this.gen });
        isNew = true;
      } else {
        out = entry.out;
        isNew = entry.gen !== this.gen;
        entry.gen = this.gen;
      }
    } else {
      out = this.prepared.get(labels);
      if (out === undefined) {
        out = this.prepareNew(labels);
        if (this.prepared.size >= 2_000_000) this.prepared.clear();
        this.prepared.set(labels, out);
        isNew = true;
      }
    }
    if (isNew && typeof out !== 'string') this.newSeries();
    this.lastIn = labels;
    this.lastOut = out;
    return out;
  }

  private newSeries(): void {
    if (++this.seriesCount > this.limits.maxSeriesPerRequest && this.enforce) {
      throw new IngestLimitError(
        422,
        `request has more than ${this.limits.maxSeriesPerRequest} series (ingest.max_series_per_request)`,
      );
    }
  }

  private prepareNew(labels: Labels): Labels | string {
    let out: Record<string, string> | null = null;
    const extra = this.options.extraLabels;
    if (extra) {
      out = { ...labels };
      for (const k in extra) if (extra[k] !== '') out[k] = extra[k];
    }
    const problem = checkLabels(out ?? labels, this.limits);
    if (problem) return problem;
    if (this.options.redact !== false) {
      const src = out ?? labels;
      for (const k in src) {
        const v = src[k];
        const r = redactValue(v);
        if (r !== v) {
          out ??= { ...labels };
          out[k] = r;
        }
      }
    }
    return out ?? labels;
  }

  /**
   * `add` for a series from a source's own cache (needs `shared`: the entry keeps what
   * `prepare` would, and the store's handle for the series).
   */
  addEntry(e: SeriesEntry, t: number, v: number, line = 0): boolean {
    if (!this.shared) return this.add(e.labels, t, v, line);
    if (e.gen !== this.gen) {
      // first sample of this series in this request
      e.out ??= this.prepareNew(e.labels);
      e.gen = this.gen;
      if (typeof e.out !== 'string') this.newSeries();
    }
    const out = e.out as Labels | string;
    if (typeof out === 'string') return this.rejectSample(line, out, 'invalid_labels');
    const ts = this.time(t, line);
    if (ts === undefined) return false;
    if (this.appendRef) {
      e.ref = this.appendRef(e.refOf === this.storage ? e.ref : null, out, ts, v);
      e.refOf = this.storage;
    } else this.appender.append(out, ts, v);
    this.count(ts);
    return true;
  }

  /** Appends a float sample; false (and counted) when it is rejected. NaN `t` means "no timestamp". */
  add(labels: Labels, t: number, v: number, line = 0): boolean {
    const l = this.prepare(labels);
    if (typeof l === 'string') return this.rejectSample(line, l, 'invalid_labels');
    const ts = this.time(t, line);
    if (ts === undefined) return false;
    this.appender.append(l, ts, v);
    this.count(ts);
    return true;
  }

  addHistogram(labels: Labels, t: number, h: HistogramSample, line = 0): boolean {
    const l = this.prepare(labels);
    if (typeof l === 'string') return this.rejectSample(line, l, 'invalid_labels');
    // Push and JSON-lines send dense runs as given; hold them to remote_write's bound.
    const buckets = h.positive.counts.length + h.negative.counts.length;
    if (buckets > MAX_DENSE_BUCKETS)
      return this.rejectSample(
        line,
        `histogram has ${buckets} buckets, more than ${MAX_DENSE_BUCKETS}`,
        'invalid',
      );
    // The store's codecs hold schemas -4..8 and int32 bucket offsets; anything else would not survive a restart.
    if (!Number.isInteger(h.schema) || h.schema < -4 || h.schema > 8)
      return this.rejectSample(line, `histogram schema ${h.schema} is outside -4..8`, 'invalid');
    if (!isInt32(h.positive.offset) || !isInt32(h.negative.offset))
      return this.rejectSample(line, 'histogram bucket offset is not a 32-bit integer', 'invalid');
    const ts = this.time(t, line);
    if (ts === undefined) return false;
    this.appender.appendHistogram(l, ts, h);
    this.count(ts);
    return true;
  }

  private time(t: number, line: number): number | undefined {
    if (Number.isNaN(t)) {
      if (this.options.defaultTime !== undefined) return this.options.defaultTime;
      const why = this.options.path.startsWith('import') ? ' (import needs explicit timestamps)' : '';
      this.rejectSample(line, `sample has no timestamp${why}`, 'no_timestamp');
      return undefined;
    }
    if (!Number.isSafeInteger(t)) {
      this.rejectSample(line, `invalid timestamp ${t}`, 'invalid');
      return undefined;
    }
    return t;
  }

  private count(t: number): void {
    if (t < this.minT) this.minT = t;
    if (t > this.maxT) this.maxT = t;
    this.pending++;
    if (++this.appended > this.limits.maxSamplesPerRequest && this.enforce) {
      throw new IngestLimitError(
        422,
        `request has more than ${this.limits.maxSamplesPerRequest} samples (ingest.max_samples_per_request)`,
      );
    }
  }

  /** Records input that could not be used (a malformed line, an unsupported type). */
  reject(line: number, reason: string, why: RejectReason = 'malformed', samples = 1): void {
    this.rejectedInput += samples;
    this.options.stats?.addRejected(this.options.path, why, samples);
    if (this.rejectedList.length < this.limits.maxRejectedReported) this.rejectedList.push({ line, reason });
  }

  private rejectSample(line: number, reason: string, why: RejectReason): false {
    this.reject(line, reason, why);
    return false;
  }

  /** Metadata to store with the samples; applied on commit. */
  setMetadata(metric: string, meta: MetricMetadata): void {
    this.meta.set(metric, meta);
  }

  /** Commits what is pending; the batch stays usable (file import commits in slices). */
  async flush(): Promise<void> {
    const r = await this.appender.commit();
    this.pending = 0;
    this.accepted += r.accepted;
    const s = this.storageRejected;
    s.outOfOrder += r.outOfOrder;
    s.duplicate += r.duplicate;
    s.tooOld += r.tooOld;
    s.invalid += r.invalid;
    const stats = this.options.stats;
    if (stats) {
      const p = this.options.path;
      stats.addAccepted(p, r.accepted);
      stats.addRejected(p, 'out_of_order', r.outOfOrder);
      stats.addRejected(p, 'duplicate', r.duplicate);
      stats.addRejected(p, 'too_old', r.tooOld);
      stats.addRejected(p, 'invalid', r.invalid);
    }
    for (const [name, m] of this.meta) this.storage.setMetadata(name, m);
    this.meta.clear();
  }

  /** Commits and answers the summary; resolves once everything accepted is durable. */
  async commit(): Promise<IngestSummary> {
    await this.flush();
    const s = this.storageRejected;
    const some = this.appended > 0;
    return {
      series: this.seriesCount,
      samples: this.accepted,
      minTime: some ? this.minT : null,
      maxTime: some ? this.maxT : null,
      rejected: this.rejectedList,
      rejectedTotal: this.rejectedInput + s.outOfOrder + s.duplicate + s.tooOld + s.invalid,
      storage: { ...s },
    };
  }

  /** Drops everything appended since the last flush. */
  rollback(): void {
    this.appender.rollback();
    this.pending = 0;
  }
}

function isInt32(n: number): boolean {
  return Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31;
}
