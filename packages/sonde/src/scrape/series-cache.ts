// What a scrape loop remembers between scrapes, per series: its final labels
// (after target labels and metric relabeling) and in which scrape it was last
// seen. Iteration numbers on the series objects replace per-scrape sets, so
// the hot path does one identity-keyed lookup per sample, and staleness and
// scrape_series_added fall out of comparing numbers.
import { labelsKey } from '../storage/labels.js';
import type { SeriesEntry } from '../ingest/series-entry.js';
import type { Labels, SeriesRef } from '../storage/types.js';

export interface TrackedSeries {
  readonly labels: Labels;
  readonly key: string;
  /** The scrape iteration that last saw it. */
  seenIter: number;
  /** The last successful scrape that had it. */
  okIter: number;
  /** Its last sample carried its own timestamp: no stale markers then (as Prometheus). */
  explicit: boolean;
  /** The store's handle for it (Appender.appendRef) and the storage that gave it. */
  ref: SeriesRef | null;
  refOf: object | null;
}

/** Generations of the scraped → tracked mapping, unique across caches. */
let generations = 0;

export class SeriesCache {
  /**
   * The scraped → tracked mapping lives on the parser's cache entries (slot, null: dropped by
   * relabeling), valid while their slotGen is this generation: forgetting it is a new generation.
   */
  private gen = ++generations;
  private scraped = 0;
  /** By final label set, so a series keeps one identity whatever produced it. */
  private byKey = new Map<string, TrackedSeries>();
  private iter = 0;
  private lastOk = 0;
  private previous: TrackedSeries[] = [];
  private current: TrackedSeries[] = [];

  /** Series the last scrape wrote. */
  get size(): number {
    return this.previous.length;
  }

  get scrapedEntries(): number {
    return this.scraped;
  }

  /** Forgets the scraped-labels mapping (new parser, or new relabeling after a reload). */
  forgetScraped(): void {
    this.gen = ++generations;
    this.scraped = 0;
  }

  begin(): void {
    this.iter++;
    this.current = [];
  }

  lookup(scraped: SeriesEntry): TrackedSeries | null | undefined {
    return scraped.slotGen === this.gen ? (scraped.slot as TrackedSeries | null) : undefined;
  }

  /** Records what a scraped series became (undefined: dropped). */
  resolve(scraped: SeriesEntry, labels: Labels | undefined): TrackedSeries | null {
    this.scraped++;
    scraped.slotGen = this.gen;
    if (labels === undefined) {
      scraped.slot = null;
      return null;
    }
    const key = labelsKey(labels);
    let s = this.byKey.get(key);
    if (s === undefined) {
      s = { labels, key, seenIter: 0, okIter: -1, explicit: false, ref: null, refOf: null };
      this.byKey.set(key, s);
    }
    scraped.slot = s;
    return s;
  }

  /** Marks a series seen in this scrape; true when the last successful scrape did not have it. */
  see(s: TrackedSeries, explicit: boolean): boolean {
    if (s.seenIter === this.iter) return false;
    s.seenIter = this.iter;
    s.explicit = explicit;
    this.current.push(s);
    return s.okIter !== this.lastOk;
  }

  /**
   * Ends a scrape; returns the label sets to mark stale: everything the last
   * scrape had and this one lacks (all of it when this one failed).
   */
  end(ok: boolean): Labels[] {
    const stale: Labels[] = [];
    for (const s of this.previous) if (!s.explicit && (!ok || s.seenIter !== this.iter)) stale.push(s.labels);
    if (ok) {
      for (const s of this.current) s.okIter = this.iter;
      this.lastOk = this.iter;
      this.previous = this.current;
    } else this.previous = [];
    this.current = [];
    this.prune();
    return stale;
  }

  /** Ends the run: everything the last scrape wrote goes stale. */
  endOfRun(): Labels[] {
    const stale = this.previous.filter((s) => !s.explicit).map((s) => s.labels);
    this.previous = [];
    return stale;
  }

  /** Churned series would pile up; keep those of the last successful scrape. */
  private prune(): void {
    if (this.byKey.size <= 2 * this.previous.length + 1000) return;
    const keep = new Map<string, TrackedSeries>();
    for (const [k, s] of this.byKey) if (s.okIter === this.lastOk || s.seenIter === this.iter) keep.set(k, s);
    this.byKey = keep;
    this.forgetScraped();
  }
}
