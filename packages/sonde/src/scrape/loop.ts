// One target's scrape loop, as Prometheus runs it: a fixed interval offset by
// the target's hash, a deadline per scrape, samples merged with the target's
// labels (honor_labels), metric_relabel_configs, honor_timestamps,
// sample_limit failing the whole scrape, the five report series, and stale
// markers for every series the previous scrape had and this one does not.
import type { Logger } from 'pino';
import { TextParser, type TextFormat, type TextSampleSink } from '../ingest/text-parser.js';
import type { SeriesEntry } from '../ingest/series-entry.js';
import { utf8Text } from '../ingest/utf8.js';
import { STALE_NAN } from '../storage/labels.js';
import type { Appender, Labels, Storage } from '../storage/types.js';
import type { HttpClient } from './http-client.js';
import { type RelabelRule, relabel } from './relabel.js';
import { SeriesCache } from './series-cache.js';
import type { ScrapeTarget } from './targets.js';
import { SONDE_VERSION } from '../version.js';

export const SCRAPE_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

export interface LoopOptions {
  readonly target: ScrapeTarget;
  readonly storage: Storage;
  readonly client: HttpClient;
  readonly logger: Logger;
  readonly honorLabels: boolean;
  readonly honorTimestamps: boolean;
  readonly sampleLimit: number;
  /** Largest answer in bytes after gzip is undone; 0 or absent: the client's ceiling. */
  readonly bodySizeLimit?: number;
  readonly metricRelabel: readonly RelabelRule[];
  /** Sample timestamps (ms); the schedule itself runs on the real clock. */
  readonly now: () => number;
}

export type Health = 'up' | 'down' | 'unknown';

const REPORT_NAMES = [
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
] as const;

/** The target's labels over the scraped ones, conflicts kept as exported_<name> (Prometheus's rule). */
export function mergeTargetLabels(scraped: Labels, target: Labels, honor: boolean): Record<string, string> {
  const lb: Record<string, string> = { ...scraped };
  if (honor) {
    for (const k in target) if (!scraped[k]) lb[k] = target[k];
    return lb;
  }
  const conflicts: [string, string][] = [];
  for (const k in target) {
    const existing = scraped[k];
    if (existing) conflicts.push([k, existing]);
    lb[k] = target[k];
  }
  if (conflicts.length === 0) return lb;
  conflicts.sort((a, b) => a[0].length - b[0].length);
  const taken = new Set<string>();
  for (const c of conflicts) {
    let name = c[0];
    do name = `exported_${name}`;
    while (name in scraped || name in target || taken.has(name));
    taken.add(name);
    c[0] = name;
  }
  for (const [name, value] of conflicts) lb[name] = value;
  return lb;
}

/** FNV-1a (53-bit safe) of a string: the target's place within the interval. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  let h2 = 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
    h2 = (h2 * 31 + s.charCodeAt(i)) % 0x1fffff;
  }
  return h2 * 0x100000000 + h;
}

export class ScrapeLoop {
  health: Health = 'unknown';
  lastError = '';
  lastScrape = 0;
  lastDurationSeconds = 0;
  private series = new SeriesCache();
  private readonly reportLabels: Labels[];
  private promParser: TextParser | undefined;
  private labelCache = new Map<string, SeriesEntry>();
  private readonly sink: TextSampleSink;
  private scrapeState: {
    app: Appender;
    appendRef: Appender['appendRef'];
    t: number;
    total: number;
    added: number;
    seriesAdded: number;
    limitHit: boolean;
    parseError: string;
  } | null = null;
  private timer: NodeJS.Timeout | undefined;
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private started = false;
  private metadataSize = -1;

  constructor(private readonly o: LoopOptions) {
    this.reportLabels = REPORT_NAMES.map((n) => Object.freeze({ ...o.target.labels, __name__: n }));
    this.sink = {
      sample: (labels, value, t, _line, entry) => this.onSample(labels, value, t, entry),
      error: (line, reason) => {
        const s = this.scrapeState;
        if (s && !s.parseError) s.parseError = `line ${line}: ${reason}`;
      },
    };
  }

  get target(): ScrapeTarget {
    return this.o.target;
  }

  /** Starts scraping at the target's offset within the interval (once; later calls do nothing). */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    const interval = this.o.target.intervalMs;
    const offset = hashString(this.o.target.key) % interval;
    const now = Date.now();
    let next = now - (now % interval) + offset;
    if (next < now) next += interval;
    let busy = false;
    const tick = () => {
      if (this.stopped) return;
      // Scrapes never overlap: a tick that finds one still running is skipped.
      if (!busy) {
        busy = true;
        this.running = this.scrapeOnce()
          .catch((err) => this.o.logger.error({ err, target: this.o.target.url }, 'scrape loop failed'))
          .finally(() => {
            busy = false;
          });
      }
      const t = Date.now();
      next += interval;
      while (next <= t) next += interval;
      this.timer = setTimeout(tick, next - t);
    };
    this.timer = setTimeout(tick, next - now);
  }

  /** The time the loop would scrape next (for end-of-run staleness). */
  nextScrapeAfter(t: number): number {
    const interval = this.o.target.intervalMs;
    const offset = hashString(this.o.target.key) % interval;
    let next = t - (t % interval) + offset;
    while (next <= t) next += interval;
    return next;
  }

  /** Series the last scrape wrote. */
  get seriesCount(): number {
    return this.series.size;
  }

  /** Continues another loop's staleness and series tracking (a loop replaced on reload). */
  inherit(from: ScrapeLoop): void {
    this.series = from.series;
    // Target labels or metric relabeling may differ now.
    this.series.forgetScraped();
  }

  /** Stops the schedule and cancels a scrape in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort?.abort();
    await this.running;
  }

  /** Writes stale markers for everything the last scrape wrote, report series included, at `t`. */
  async writeEndOfRunStaleness(t: number): Promise<void> {
    if (this.lastScrape === 0) return;
    const app = this.o.storage.appender();
    for (const labels of this.series.endOfRun()) app.append(labels, t, STALE_NAN);
    for (const labels of this.reportLabels) app.append(labels, t, STALE_NAN);
    await app.commit();
  }

  /** One scrape: fetch, parse, append, stale markers, report. */
  async scrapeOnce(): Promise<void> {
    const o = this.o;
    const t = o.now();
    const started = performance.now();
    const app = o.storage.appender();
    const state = {
      app,
      appendRef: app.appendRef?.bind(app),
      t,
      total: 0,
      added: 0,
      seriesAdded: 0,
      limitHit: false,
      parseError: '',
    };
    this.series.begin();
    let error = '';
    this.abort = new AbortController();
    try {
      const res = await o.client.request(new URL(o.target.url), {
        timeoutMs: o.target.timeoutMs,
        signal: this.abort.signal,
        ...(o.bodySizeLimit ? { maxBytes: o.bodySizeLimit } : {}),
        headers: {
          Accept: SCRAPE_ACCEPT,
          'Accept-Encoding': 'gzip',
          'User-Agent': `sonde/${SONDE_VERSION}`,
          'X-Prometheus-Scrape-Timeout-Seconds': String(o.target.timeoutMs / 1000),
        },
      });
      if (res.status !== 200) error = `server returned HTTP status ${res.status} ${res.statusText}`.trim();
      else {
        this.scrapeState = state;
        const parser = this.parser(res.contentType);
        try {
          // Invalid UTF-8 fails the scrape, as in Prometheus, rather than turning into U+FFFD.
          parser.parse(utf8Text(res.body, 'the answer'));
        } finally {
          this.scrapeState = null;
        }
        if (state.parseError) error = state.parseError;
        else if (state.limitHit) error = `sample limit exceeded (limit ${o.sampleLimit})`;
        else this.storeMetadata(parser);
      }
    } catch (err) {
      error = (err as Error).message;
    }
    if (error) app.rollback();
    // Whatever the last scrape had and this one lacks goes stale now.
    for (const labels of this.series.end(!error)) app.append(labels, t, STALE_NAN);
    const duration = (performance.now() - started) / 1000;
    const report = [error ? 0 : 1, duration, state.total, state.added, state.seriesAdded];
    for (let i = 0; i < report.length; i++) app.append(this.reportLabels[i], t, report[i]);
    await app.commit();
    this.health = error ? 'down' : 'up';
    this.lastError = error;
    this.lastScrape = t;
    this.lastDurationSeconds = duration;
    if (error) o.logger.debug({ target: o.target.url, error }, 'scrape failed');
  }

  /** HELP/TYPE/UNIT to the store when the target's families change (the reused parser accumulates them). */
  private storeMetadata(parser: TextParser): void {
    if (parser.metadata.size === this.metadataSize && parser === this.promParser) return;
    this.metadataSize = parser.metadata.size;
    for (const [name, meta] of parser.metadata) this.o.storage.setMetadata(name, meta);
  }

  private parser(contentType: string): TextParser {
    const format: TextFormat = contentType.startsWith('application/openmetrics-text')
      ? 'openmetrics'
      : 'prometheus';
    // Parsers share one series text → labels cache kept across scrapes, so the
    // same series is the same labels object each time and the relabeling cache
    // hits. Churning targets would grow it: then both start over.
    if (this.series.scrapedEntries > 4 * (this.series.size + 1000)) {
      this.series.forgetScraped();
      this.labelCache = new Map();
      this.promParser = undefined;
    }
    const options = { labelCache: this.labelCache };
    // An OpenMetrics parser ends at `# EOF`, so each scrape gets its own.
    if (format === 'openmetrics') return new TextParser(format, this.sink, options);
    // The Prometheus-format parser is reused (its metadata accumulates).
    this.promParser ??= new TextParser('prometheus', this.sink, options);
    return this.promParser;
  }

  private onSample(scraped: Labels, value: number, ts: number, entry: SeriesEntry): void {
    const s = this.scrapeState!;
    s.total++;
    let e = this.series.lookup(entry);
    if (e === undefined) {
      const merged = mergeTargetLabels(scraped, this.o.target.labels, this.o.honorLabels);
      e = this.series.resolve(entry, relabel(merged, this.o.metricRelabel));
    }
    if (e === null || s.limitHit) return;
    if (this.o.sampleLimit > 0 && s.added >= this.o.sampleLimit) {
      s.limitHit = true;
      return;
    }
    const explicit = this.o.honorTimestamps && !Number.isNaN(ts);
    if (s.appendRef) {
      // the store's handle skips its label lookup; one from another storage (a loop inherited) is not used
      const storage = this.o.storage;
      e.ref = s.appendRef(e.refOf === storage ? e.ref : null, e.labels, explicit ? ts : s.t, value);
      e.refOf = storage;
    } else s.app.append(e.labels, explicit ? ts : s.t, value);
    s.added++;
    if (this.series.see(e, explicit)) s.seriesAdded++;
  }
}
