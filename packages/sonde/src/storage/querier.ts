// A read snapshot: the block list, the blocks-to-be of a flush in progress,
// and a view of every head series, all taken when the querier is made. Head
// data is copy-on-write and blocks are immutable, so reading it later sees
// exactly that moment while ingest goes on. Only chunks overlapping the range
// are decoded; a corrupt chunk is reported and skipped.
import { type BlockReader, type ChunkRef, CorruptChunkError, type TsColumn } from './block-reader.js';
import { wordsOf } from './chunkenc/float-bits.js';
import {
  KIND_FLOAT,
  KIND_HISTOGRAM,
  KIND_HISTOGRAM_ROLLUP,
  KIND_ROLLUP,
  type TierId,
} from './block-writer.js';
import { decodeHistograms } from './chunkenc/chunk-histogram.js';
import { decodeTimestamps } from './chunkenc/timestamps.js';
import { decodeValues } from './chunkenc/values.js';
import { ByteReader } from './chunkenc/varint.js';
import type { CutSeries } from './head.js';
import type { Head } from './head.js';
import {
  type RollupPoints,
  TIER_RES,
  computeRollup,
  decodeRollup,
  mergeRollups,
  rollupRange,
} from './rollup.js';
import {
  type HistogramRollup,
  computeHistogramRollup,
  decodeHistogramRollup,
  histogramRollupRange,
  mergeHistogramRollups,
} from './rollup-histogram.js';
import { lowerBound, mergeRuns, rangeOf, upperBound, viewFloats, viewHistograms } from './samples.js';
import { NO_SAMPLES, type Samples, type SeriesView } from './series.js';
import type {
  HistogramSample,
  Labels,
  Matcher,
  Querier,
  RollupData,
  SelectHints,
  SeriesData,
  Tier,
} from './types.js';

export interface Tombstone {
  readonly refs: ReadonlySet<number>;
  readonly mint: number;
  readonly maxt: number;
}

export interface BlockEntry {
  readonly reader: BlockReader;
  tombstones: readonly Tombstone[];
}

export interface Snapshot {
  readonly blocks: readonly BlockEntry[];
  readonly pending: readonly Map<number, CutSeries>[];
  readonly views: Map<number, SeriesView>;
  readonly nextRef: number;
}

const TIER_ID: Record<Tier, TierId> = { raw: 0, '1m': 1, '1h': 2 };

function applyTombstones(run: Samples, ref: number, tombs: readonly Tombstone[], widen = 0): Samples {
  for (const ts of tombs) {
    if (!ts.refs.has(ref)) continue;
    run = mergeRuns([
      rangeOf(run, Number.NEGATIVE_INFINITY, ts.mint - 1e-3),
      rangeOf(run, ts.maxt + widen + 1e-3, Number.POSITIVE_INFINITY),
    ]);
  }
  return run;
}

function tombstoned(t: number, ref: number, tombs: readonly Tombstone[], widen: number): boolean {
  for (const ts of tombs) if (ts.refs.has(ref) && t >= ts.mint && t <= ts.maxt + widen) return true;
  return false;
}

export class SnapshotQuerier implements Querier {
  private closed = false;

  constructor(
    private readonly head: Head,
    private readonly snap: Snapshot,
    private readonly onCorrupt: (err: CorruptChunkError) => void,
    private readonly onClose: () => void,
  ) {}

  private refs(matchers: readonly Matcher[] | undefined): number[] {
    const all = this.head.postings.select(matchers ?? []);
    return all.filter((r) => r < this.snap.nextRef);
  }

  private labels(ref: number): Labels | undefined {
    return this.head.byRef.get(ref)?.labels;
  }

  /** Decoded chunks of one kind from the snapshot's blocks of one tier, corrupt ones skipped. */
  private *blockChunks(ref: number, tier: TierId, mint: number, maxt: number, kind: number) {
    for (const b of this.snap.blocks) {
      const r = b.reader;
      if (r.tier !== tier || r.maxT < mint || r.minT > maxt) continue;
      for (const c of r.chunks(ref, mint, maxt)) {
        if (c.kind !== kind) continue;
        let cols: Uint8Array[];
        try {
          cols = r.columns(ref, c);
        } catch (err) {
          if (err instanceof CorruptChunkError) {
            this.onCorrupt(err);
            continue;
          }
          throw err;
        }
        yield { entry: b, chunk: c, cols };
      }
    }
  }

  private floats(ref: number, mint: number, maxt: number): Samples {
    // block chunks in time order decode straight into one pair of arrays
    const picked: { entry: BlockEntry; chunk: ChunkRef }[] = [];
    let total = 0;
    let ordered = true;
    let lastT = Number.NEGATIVE_INFINITY;
    for (const b of this.snap.blocks) {
      const r = b.reader;
      if (r.tier !== 0 || r.maxT < mint || r.minT > maxt) continue;
      for (const c of r.chunks(ref, mint, maxt)) {
        if (c.kind !== KIND_FLOAT) continue;
        if (c.minT <= lastT) ordered = false;
        lastT = Math.max(lastT, c.maxT);
        picked.push({ entry: b, chunk: c });
        total += c.n;
      }
    }
    const runs: Samples[] = [];
    const t = new Float64Array(total);
    const v = new Float64Array(total);
    let pos = 0;
    for (let i = 0; i < picked.length; i++) {
      const { entry, chunk } = picked[i];
      if (i === 0 || picked[i - 1].entry !== entry) {
        picked[i - 1]?.entry.reader.prefetch(null);
        let j = i;
        while (j < picked.length && picked[j].entry === entry) j++;
        entry.reader.prefetch(picked.slice(i, j).map((p) => p.chunk));
      }
      try {
        const { t: ts, cols } = entry.reader.readChunk(ref, chunk, this.tsCache(entry));
        if (cols.length !== 1) throw new RangeError('float chunk needs 2 columns');
        if (decodeValues(new ByteReader(cols[0]), v, pos) !== chunk.n)
          throw new RangeError('value count mismatch');
        t.set(ts, pos);
        if (entry.tombstones.length) {
          const own = applyTombstones(
            { t: t.subarray(pos, pos + chunk.n), v: v.subarray(pos, pos + chunk.n) },
            ref,
            entry.tombstones,
          );
          t.set(own.t, pos);
          wordsOf(v).set(wordsOf(own.v), pos * 2);
          pos += own.t.length;
        } else pos += chunk.n;
      } catch (err) {
        this.onCorrupt(
          err instanceof CorruptChunkError ? err : new CorruptChunkError(entry.reader.path, ref, String(err)),
        );
      }
    }
    if (picked.length) picked[picked.length - 1].entry.reader.prefetch(null);
    if (pos > 0) {
      const all = { t: t.subarray(0, pos), v: v.subarray(0, pos) };
      if (ordered) runs.push(rangeOf(all, mint, maxt));
      else runs.push(rangeOf(mergeRuns(splitSorted(all)), mint, maxt));
    }
    for (const p of this.snap.pending) {
      const c = p.get(ref);
      if (c) runs.push(rangeOf(c.floats, mint, maxt));
    }
    const hv = this.snap.views.get(ref);
    if (hv) runs.push(viewFloats(hv, mint, maxt));
    return mergeRuns(runs);
  }

  private readonly tsCaches = new Map<BlockEntry, Map<number, TsColumn>>();

  private tsCache(e: BlockEntry): Map<number, TsColumn> {
    let c = this.tsCaches.get(e);
    if (!c) this.tsCaches.set(e, (c = new Map()));
    return c;
  }

  private histograms(ref: number, mint: number, maxt: number): { ht: number[]; h: HistogramSample[] } | null {
    const ht: number[] = [];
    const h: HistogramSample[] = [];
    const add = (ts: readonly number[], hs: readonly HistogramSample[]) => {
      for (let i = 0; i < ts.length; i++) {
        if (ts[i] < mint || ts[i] > maxt) continue;
        ht.push(ts[i]);
        h.push(hs[i]);
      }
    };
    for (const { entry, chunk, cols } of this.blockChunks(ref, 0, mint, maxt, KIND_HISTOGRAM)) {
      try {
        const t = new Float64Array(chunk.n);
        decodeTimestamps(new ByteReader(cols[0]), t, 0);
        const hs = decodeHistograms(new ByteReader(cols[1]));
        const keep = Array.from(t).map((x) => !tombstoned(x, ref, entry.tombstones, 0));
        add(
          Array.from(t).filter((_, i) => keep[i]),
          hs.filter((_, i) => keep[i]),
        );
      } catch (err) {
        this.onCorrupt(new CorruptChunkError(entry.reader.path, ref, (err as Error).message));
      }
    }
    for (const p of this.snap.pending) {
      const c = p.get(ref);
      if (c) add(c.ht, c.h);
    }
    const v = this.snap.views.get(ref);
    const hv = v ? viewHistograms(v, mint, maxt) : null;
    if (hv) add(hv.ht, hv.h);
    if (ht.length === 0) return null;
    // sources are each sorted; order and drop repeated timestamps across them
    const idx = ht.map((_, i) => i).sort((a, b) => ht[a] - ht[b] || a - b);
    const ot: number[] = [];
    const oh: HistogramSample[] = [];
    for (const i of idx) {
      if (ot.length && ot[ot.length - 1] === ht[i]) continue;
      ot.push(ht[i]);
      oh.push(h[i]);
    }
    return { ht: ot, h: oh };
  }

  private hasData(ref: number, mint: number, maxt: number): boolean {
    for (const b of this.snap.blocks) {
      if (
        b.reader.tier === 0 &&
        b.reader.maxT >= mint &&
        b.reader.minT <= maxt &&
        b.reader.chunks(ref, mint, maxt).length
      ) {
        return true;
      }
    }
    if (this.snap.pending.some((p) => p.has(ref))) return true;
    const v = this.snap.views.get(ref);
    return (
      v !== undefined && (viewFloats(v, mint, maxt).t.length > 0 || viewHistograms(v, mint, maxt) !== null)
    );
  }

  *select(
    matchers: readonly Matcher[],
    mint: number,
    maxt: number,
    hints?: SelectHints,
  ): Iterable<SeriesData> {
    this.check();
    for (const ref of this.refs(matchers)) {
      const labels = this.labels(ref);
      if (!labels) continue;
      if (hints?.labelsOnly) {
        if (this.hasData(ref, mint, maxt)) yield { labels, t: NO_SAMPLES.t, v: NO_SAMPLES.v };
        continue;
      }
      const f = this.floats(ref, mint, maxt);
      const hs = this.histograms(ref, mint, maxt);
      if (f.t.length === 0 && !hs) continue;
      yield hs
        ? { labels, t: f.t, v: f.v, ht: Float64Array.from(hs.ht), h: hs.h }
        : { labels, t: f.t, v: f.v };
    }
  }

  *selectRollup(
    matchers: readonly Matcher[],
    mint: number,
    maxt: number,
    tier: Exclude<Tier, 'raw'>,
  ): Iterable<RollupData> {
    this.check();
    const res = TIER_RES[tier];
    for (const ref of this.refs(matchers)) {
      const labels = this.labels(ref);
      if (!labels) continue;
      const parts: RollupPoints[] = [];
      for (const { entry, chunk, cols } of this.blockChunks(
        ref,
        TIER_ID[tier],
        mint,
        maxt + res,
        KIND_ROLLUP,
      )) {
        try {
          const p = decodeRollup(cols, chunk.n);
          parts.push(dropTombstoned(p, ref, entry.tombstones, res));
        } catch (err) {
          this.onCorrupt(new CorruptChunkError(entry.reader.path, ref, (err as Error).message));
        }
      }
      for (const p of this.snap.pending) {
        const c = p.get(ref);
        if (c) parts.push(computeRollup(c.floats, c.prev, res));
      }
      const v = this.snap.views.get(ref);
      if (v) {
        const all = viewFloats(v, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
        parts.push(computeRollup(all, v.prev, res));
      }
      const p = rollupRange(mergeRollups(parts), mint, maxt, res);
      const hp = histogramRollupRange(this.histogramRollup(ref, tier, mint, maxt, v), mint, maxt, res);
      if (hp.t.length === 0) {
        if (p.t.length) yield { labels, resolutionMs: res, ...p };
        continue;
      }
      yield { labels, resolutionMs: res, ...withHistograms(p, hp) };
    }
  }

  private histogramRollup(
    ref: number,
    tier: Exclude<Tier, 'raw'>,
    mint: number,
    maxt: number,
    v: SeriesView | undefined,
  ): HistogramRollup {
    const res = TIER_RES[tier];
    const parts: HistogramRollup[] = [];
    for (const { entry, chunk, cols } of this.blockChunks(
      ref,
      TIER_ID[tier],
      mint,
      maxt + res,
      KIND_HISTOGRAM_ROLLUP,
    )) {
      try {
        const p = decodeHistogramRollup(cols, chunk.n);
        const keep = p.t.map((t) => !tombstoned(t, ref, entry.tombstones, res));
        parts.push({ t: p.t.filter((_, i) => keep[i]), h: p.h.filter((_, i) => keep[i]) });
      } catch (err) {
        this.onCorrupt(new CorruptChunkError(entry.reader.path, ref, (err as Error).message));
      }
    }
    for (const p of this.snap.pending) {
      const c = p.get(ref);
      if (c?.ht.length) parts.push(computeHistogramRollup(c.ht, c.h, res));
    }
    if (v?.hn) parts.push(computeHistogramRollup(v.ht.slice(0, v.hn), v.h.slice(0, v.hn), res));
    return mergeHistogramRollups(parts);
  }

  /**
   * The refs of the series with data in [mint, maxt], or null for no bounds:
   * every series of a raw block overlapping the window (block granularity, as
   * Prometheus answers label queries; rollup blocks only before the oldest raw block), the series of a flush in progress and
   * the head series with samples in it (head chunks by their time range).
   */
  private windowRefs(mint = Number.NEGATIVE_INFINITY, maxt = Number.POSITIVE_INFINITY): Set<number> | null {
    if (unbounded(mint, maxt) || this.coversAll(mint, maxt)) return null;
    const refs = new Set<number>();
    // rollup blocks hold bucket ends (data from one resolution earlier) and count only where
    // the raw tier no longer reaches (dropped by its shorter retention)
    let rawMin = Number.POSITIVE_INFINITY;
    for (const b of this.snap.blocks) if (b.reader.tier === 0) rawMin = Math.min(rawMin, b.reader.minT);
    for (const b of this.snap.blocks) {
      const r = b.reader;
      const lo = r.tier === 0 ? r.minT : r.minT - TIER_RES[r.tier === 1 ? '1m' : '1h'];
      const hi = r.tier === 0 ? r.maxT : Math.min(r.maxT, rawMin - 1);
      if (hi < mint || lo > maxt || hi < lo) continue;
      for (const ref of r.seriesRefs()) refs.add(ref);
    }
    for (const p of this.snap.pending) {
      for (const [ref, c] of p) {
        const f = c.floats.t;
        if (lowerBound(f, f.length, mint) < upperBound(f, f.length, maxt)) refs.add(ref);
        else if (c.ht.some((t) => t >= mint && t <= maxt)) refs.add(ref);
      }
    }
    for (const [ref, v] of this.snap.views) if (viewOverlaps(v, mint, maxt)) refs.add(ref);
    return refs;
  }

  /** Whether [mint, maxt] holds every sample of the snapshot (the API's default window does). */
  private coversAll(mint: number, maxt: number): boolean {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const b of this.snap.blocks) {
      const r = b.reader;
      lo = Math.min(lo, r.tier === 0 ? r.minT : r.minT - TIER_RES[r.tier === 1 ? '1m' : '1h']);
      hi = Math.max(hi, r.maxT);
    }
    for (const p of this.snap.pending) {
      for (const c of p.values()) {
        const f = c.floats.t;
        if (f.length) [lo, hi] = [Math.min(lo, f[0]), Math.max(hi, f[f.length - 1])];
        if (c.ht.length) [lo, hi] = [Math.min(lo, c.ht[0]), Math.max(hi, c.ht[c.ht.length - 1])];
      }
    }
    if (mint > lo || maxt < hi) return false;
    for (const v of this.snap.views.values()) {
      if (v.nChunks) [lo, hi] = [Math.min(lo, v.chunks[0].minT), Math.max(hi, v.chunks[v.nChunks - 1].maxT)];
      if (v.n) [lo, hi] = [Math.min(lo, v.t[0]), Math.max(hi, v.t[v.n - 1])];
      const o = v.ooo?.t;
      if (o?.length) [lo, hi] = [Math.min(lo, o[0]), Math.max(hi, o[o.length - 1])];
      if (v.hn) [lo, hi] = [Math.min(lo, v.ht[0]), Math.max(hi, v.ht[v.hn - 1])];
      if (mint > lo || maxt < hi) return false;
    }
    return true;
  }

  /** Label sets of the series matching `matchers` (all when none) with data in the window `win` (null: any). */
  private *labelSets(matchers: readonly Matcher[] | undefined, win: Set<number> | null) {
    const refs = matchers?.length || !win ? this.refs(matchers) : [...win].sort((a, b) => a - b);
    for (const ref of refs) {
      if (win && !win.has(ref)) continue;
      const labels = this.labels(ref);
      if (labels && ref < this.snap.nextRef) yield labels;
    }
  }

  labelNames(matchers?: readonly Matcher[], mint?: number, maxt?: number): string[] {
    this.check();
    const win = this.windowRefs(mint, maxt);
    if (!matchers?.length && !win) return this.head.postings.labelNames();
    const names = new Set<string>();
    for (const labels of this.labelSets(matchers, win)) for (const n in labels) names.add(n);
    return [...names].sort();
  }

  labelValues(name: string, matchers?: readonly Matcher[], mint?: number, maxt?: number): string[] {
    this.check();
    const win = this.windowRefs(mint, maxt);
    if (!matchers?.length && !win) return this.head.postings.labelValues(name);
    const values = new Set<string>();
    for (const labels of this.labelSets(matchers, win)) {
      const v = labels[name];
      if (v !== undefined) values.add(v);
    }
    return [...values].sort();
  }

  private check(): void {
    if (this.closed) throw new Error('querier is closed');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}

function unbounded(mint = Number.NEGATIVE_INFINITY, maxt = Number.POSITIVE_INFINITY): boolean {
  return mint === Number.NEGATIVE_INFINITY && maxt === Number.POSITIVE_INFINITY;
}

/** Whether a head view holds data in [mint, maxt] (sealed chunks judged by their time range). */
function viewOverlaps(v: SeriesView, mint: number, maxt: number): boolean {
  for (let i = 0; i < v.nChunks; i++) if (v.chunks[i].maxT >= mint && v.chunks[i].minT <= maxt) return true;
  if (v.n > 0 && lowerBound(v.t, v.n, mint) < upperBound(v.t, v.n, maxt)) return true;
  const o = v.ooo;
  if (o && lowerBound(o.t, o.t.length, mint) < upperBound(o.t, o.t.length, maxt)) return true;
  for (let i = 0; i < v.hn; i++) if (v.ht[i] >= mint && v.ht[i] <= maxt) return true;
  return false;
}

/** Float rollup points and histogram rollup points on the union of their bucket ends. */
function withHistograms(
  p: RollupPoints,
  hp: HistogramRollup,
): RollupPoints & { h: (HistogramSample | null)[] } {
  const ends = [...new Set([...p.t, ...hp.t])].sort((a, b) => a - b);
  const fi = new Map(Array.from(p.t, (t, i) => [t, i]));
  const hi = new Map(hp.t.map((t, i) => [t, i]));
  const col = (f: Float64Array, dflt: number) =>
    Float64Array.from(ends, (t) => (fi.has(t) ? f[fi.get(t)!] : dflt));
  return {
    t: Float64Array.from(ends),
    min: col(p.min, Number.NaN),
    max: col(p.max, Number.NaN),
    sum: col(p.sum, Number.NaN),
    count: col(p.count, 0),
    last: col(p.last, Number.NaN),
    increase: col(p.increase, Number.NaN),
    h: ends.map((t) => (hi.has(t) ? hp.h[hi.get(t)!] : null)),
  };
}

/** Splits a concatenation of sorted runs back into its sorted runs. */
function splitSorted(s: Samples): Samples[] {
  const out: Samples[] = [];
  let a = 0;
  for (let i = 1; i <= s.t.length; i++) {
    if (i === s.t.length || s.t[i] <= s.t[i - 1]) {
      out.push({ t: s.t.subarray(a, i), v: s.v.subarray(a, i) });
      a = i;
    }
  }
  return out;
}

function decodeFloat(cols: Uint8Array[], c: ChunkRef): Samples {
  if (cols.length !== 2) throw new RangeError('float chunk needs 2 columns');
  const t = new Float64Array(c.n);
  const v = new Float64Array(c.n);
  if (decodeTimestamps(new ByteReader(cols[0]), t, 0) !== c.n)
    throw new RangeError('timestamp count mismatch');
  if (decodeValues(new ByteReader(cols[1]), v, 0) !== c.n) throw new RangeError('value count mismatch');
  return { t, v };
}

export function dropTombstoned(
  p: RollupPoints,
  ref: number,
  tombs: readonly Tombstone[],
  res: number,
): RollupPoints {
  if (!tombs.some((t) => t.refs.has(ref))) return p;
  const keep: number[] = [];
  for (let i = 0; i < p.t.length; i++) if (!tombstoned(p.t[i], ref, tombs, res)) keep.push(i);
  const pick = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]);
  return {
    t: pick(p.t),
    min: pick(p.min),
    max: pick(p.max),
    sum: pick(p.sum),
    count: pick(p.count),
    last: pick(p.last),
    increase: pick(p.increase),
  };
}

export { decodeFloat };
