// The one place that wires the embedded store together (as Prometheus's
// tsdb/db.go): recovery on open (blocks, checkpoint, log replay), the
// appender, snapshots for queriers, the flush of the head into blocks at log
// rotations, retention, deletion, stats and close.
import { mkdirSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { EmbeddedAppender } from './appender.js';
import { buildBlocks } from './block-build.js';
import { BlockReader, type CorruptChunkError } from './block-reader.js';
import {
  type CheckpointCapture,
  captureCheckpoint,
  listCheckpoints,
  readCheckpoint,
  serializeCheckpoint,
  writeCheckpoint,
} from './checkpoint.js';
import { ByteWriter } from './chunkenc/varint.js';
import { compactTier } from './compact.js';
import { type CutSeries, decodedCut, Head } from './head.js';
import { type BlockEntry, SnapshotQuerier, type Tombstone } from './querier.js';
import { type ReplayTarget, readFlushMarker, replayRecord, writeFlushMarker } from './recovery.js';
import { type RetentionMs, blocksToDrop } from './retention.js';
import { computeStats } from './stats.js';
import { readTombstones, writeTombstones } from './tombstones.js';
import { mergeOutside } from './samples.js';
import type { SeriesView } from './series.js';
import type {
  AppendResult,
  Appender,
  Matcher,
  MetricMetadata,
  Querier,
  Storage,
  StorageStats,
} from './types.js';
import { type WalIo, Wal, frame, listSegments, readSegment, segmentName, syncDir } from './wal.js';
import { deleteRecord, metadataRecord } from './wal-records.js';

const DAY = 86_400_000;
export const DEFAULT_RETENTION: RetentionMs = { raw: 15 * DAY, '1m': 90 * DAY, '1h': 730 * DAY };

export interface OpenStorageOptions {
  dir: string;
  retention?: Partial<RetentionMs>;
  outOfOrderWindowMs?: number;
  now?: () => number;
  logger?: Logger;
  maxBytes?: number;
  /** Head data older than this many ms behind the newest sample is cut into blocks (default 15 min). */
  blockRangeMs?: number;
  /** How often flush/retention/compaction run in the background (default 10 s; 0: only on `maintain()`). */
  maintenanceIntervalMs?: number;
  /** File operations of the log (tests simulate a full disk with them). */
  walIo?: WalIo;
}

export interface StorageFaults {
  corruptChunks: number;
  corruptBlocks: number;
  walCorruptRecords: number;
}

export interface EmbeddedStorage extends Storage {
  /** Cuts all head data up to `before` (default: everything) into blocks. */
  flush(before?: number): Promise<void>;
  /** Runs what the background timer runs: flush when due, retention, compaction. */
  maintain(): Promise<void>;
  /** Merges small blocks into larger ones, per tier. */
  compact(): Promise<void>;
  setRetention(retention: Partial<RetentionMs>, maxBytes?: number | null): void;
  /** Head size: series, and bytes of sample data (open chunks raw, sealed chunks compressed). */
  headUsage(): { series: number; sampleBytes: number };
  readonly recoveryMs: number;
  readonly faults: Readonly<StorageFaults>;
  readonly dir: string;
}

const silent = {
  info() {},
  warn() {},
  error() {},
  debug() {},
} as unknown as Logger;

function emptyCounts(): {
  accepted: number;
  outOfOrder: number;
  duplicate: number;
  tooOld: number;
  invalid: number;
} {
  return { accepted: 0, outOfOrder: 0, duplicate: 0, tooOld: 0, invalid: 0 };
}

class Db implements EmbeddedStorage {
  readonly dir: string;
  private readonly walDir: string;
  private readonly blockDir: string;
  private readonly head: Head;
  private wal!: Wal;
  private blocks: BlockEntry[] = [];
  private pending: Map<number, CutSeries>[] = [];
  private unwritten: { data: Map<number, CutSeries>; seg: number; cut: number | null }[] = [];
  private readonly meta = new Map<string, MetricMetadata>();
  private retention: RetentionMs;
  private maxBytes: number | undefined;
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly blockRange: number;
  private lastCut = Number.NEGATIVE_INFINITY;
  private flushing: Promise<void> | null = null;
  private maintaining: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;
  private appended = 0;
  private readonly rejected = emptyCounts();
  private readonly reportedCorrupt = new Set<string>();
  readonly faults: StorageFaults = { corruptChunks: 0, corruptBlocks: 0, walCorruptRecords: 0 };
  recoveryMs = 0;

  constructor(private readonly opts: OpenStorageOptions) {
    this.dir = opts.dir;
    this.walDir = join(opts.dir, 'wal');
    this.blockDir = join(opts.dir, 'blocks');
    this.head = new Head(opts.outOfOrderWindowMs ?? 5 * 60_000);
    this.retention = { ...DEFAULT_RETENTION, ...opts.retention };
    this.maxBytes = opts.maxBytes;
    this.now = opts.now ?? Date.now;
    this.log = opts.logger ?? silent;
    this.blockRange = opts.blockRangeMs ?? 15 * 60_000;
  }

  // ---- recovery ----

  open(): void {
    const started = performance.now();
    mkdirSync(this.walDir, { recursive: true });
    mkdirSync(this.blockDir, { recursive: true });
    for (const f of readdirSync(this.blockDir)) if (f.startsWith('.tmp-')) unlinkSync(join(this.blockDir, f));
    for (const f of readdirSync(this.dir)) if (f.endsWith('.tmp')) unlinkSync(join(this.dir, f));
    this.loadBlocks();
    const ckpts = listCheckpoints(this.dir);
    const ckpt = ckpts.length ? ckpts[ckpts.length - 1] : 0;
    let replayed = 0;
    if (ckpt) {
      const read = readCheckpoint(this.dir, ckpt);
      if (read.corruptAt !== null) this.walFault(`checkpoint ${ckpt} is damaged at byte ${read.corruptAt}`);
      for (const rec of read.records) replayRecord(this.replayTarget(), rec, null);
    }
    const flushed = readFlushMarker(this.dir);
    const segments = listSegments(this.walDir).filter((s) => s > ckpt);
    const target = this.replayTarget();
    for (const seg of segments) {
      const read = readSegment(join(this.walDir, segmentName(seg)));
      const skipBefore = flushed && seg <= flushed.seg ? flushed.cut : null;
      for (const rec of read.records) {
        replayRecord(target, rec, skipBefore);
        replayed++;
      }
      if (read.corruptAt !== null) {
        this.walFault(
          `log segment ${seg} ends in a torn or corrupt record at byte ${read.corruptAt}; the rest of it is skipped`,
        );
      }
    }
    const last = Math.max(ckpt, ...segments, 0);
    this.wal = new Wal(this.walDir, last + 1, this.opts.walIo);
    for (const s of this.head.byRef.values()) s.logged = true;
    this.recoveryMs = performance.now() - started;
    this.log.info(
      {
        dir: this.dir,
        recoveryMs: Math.round(this.recoveryMs),
        series: this.head.byRef.size,
        blocks: this.blocks.length,
        walRecords: replayed,
      },
      'storage opened',
    );
    const every = this.opts.maintenanceIntervalMs ?? 10_000;
    if (every > 0) {
      this.timer = setInterval(() => void this.maintain().catch(() => {}), every);
      this.timer.unref();
    }
  }

  private replayTarget(): ReplayTarget {
    return {
      head: this.head,
      meta: this.meta,
      setLastCut: (cut) => {
        this.lastCut = cut;
      },
      applyDelete: (refs, mint, maxt) => this.applyDelete(refs, mint, maxt, false),
      fault: (msg) => this.walFault(msg),
    };
  }

  private flushedSeg = 0;

  private writeFlushed(seg: number, cut: number): void {
    if (seg < this.flushedSeg) return;
    this.flushedSeg = seg;
    writeFlushMarker(this.dir, { seg, cut });
  }

  private walFault(msg: string): void {
    this.faults.walCorruptRecords++;
    this.log.warn(msg);
  }

  private loadBlocks(): void {
    for (const f of readdirSync(this.blockDir).sort()) {
      if (!f.endsWith('.blk')) continue;
      const path = join(this.blockDir, f);
      try {
        const reader = new BlockReader(path);
        this.blocks.push({ reader, tombstones: readTombstones(path, this.log) });
      } catch (err) {
        this.faults.corruptBlocks++;
        this.log.error(
          { err, block: f },
          'corrupt block set aside (renamed to .corrupt); its data is skipped',
        );
        try {
          renameSync(path, `${path}.corrupt`);
        } catch {}
      }
    }
    this.sortBlocks();
  }

  private sortBlocks(): void {
    this.blocks.sort((a, b) => a.reader.minT - b.reader.minT || a.reader.maxT - b.reader.maxT);
  }

  // ---- writes ----

  appender(): Appender {
    this.checkOpen();
    return new EmbeddedAppender({
      head: this.head,
      minValidTime: () => this.now() - this.retention.raw,
      log: (bytes, apply, fail) => this.wal.append(bytes, apply, fail),
      counted: (r) => this.count(r),
    });
  }

  private count(r: AppendResult): void {
    this.appended += r.accepted;
    this.rejected.outOfOrder += r.outOfOrder;
    this.rejected.duplicate += r.duplicate;
    this.rejected.tooOld += r.tooOld;
    this.rejected.invalid += r.invalid;
  }

  metadata(metric?: string): ReadonlyMap<string, MetricMetadata> {
    if (metric === undefined) return this.meta;
    const m = this.meta.get(metric);
    return new Map(m ? [[metric, m]] : []);
  }

  setMetadata(metric: string, meta: MetricMetadata): void {
    const have = this.meta.get(metric);
    if (have && have.type === meta.type && have.help === meta.help && have.unit === meta.unit) return;
    this.meta.set(metric, meta);
    if (this.closing) return;
    const w = new ByteWriter(128);
    metadataRecord(w, metric, meta);
    this.wal.append(
      frame(w.finish()),
      () => {},
      (err) => this.log.warn({ err, metric }, 'metadata not logged'),
    );
  }

  async deleteSeries(
    matchers: readonly Matcher[],
    mint = Number.NEGATIVE_INFINITY,
    maxt = Number.POSITIVE_INFINITY,
  ) {
    this.checkOpen();
    const refs = this.head.postings.select(matchers);
    if (refs.length === 0) return 0;
    const w = new ByteWriter(64 + refs.length * 4);
    deleteRecord(w, refs, mint, maxt);
    await new Promise<void>((resolve, reject) => this.wal.append(frame(w.finish()), resolve, reject));
    this.applyDelete(refs, mint, maxt, true);
    this.log.info({ matchers, mint, maxt, series: refs.length }, 'series deleted');
    return refs.length;
  }

  private applyDelete(refs: number[], mint: number, maxt: number, persist: boolean): void {
    const full = mint === Number.NEGATIVE_INFINITY && maxt === Number.POSITIVE_INFINITY;
    for (const ref of refs) {
      const s = this.head.byRef.get(ref);
      if (!s) continue;
      this.head.deleteRange(s, mint, maxt);
      if (full) this.head.drop(s);
    }
    const set = new Set(refs);
    this.pending = this.pending.map((p) => {
      const next = new Map(p);
      for (const ref of refs) {
        const c = next.get(ref);
        if (!c) continue;
        const keepH = c.ht.map((t) => t < mint || t > maxt);
        next.set(
          ref,
          decodedCut(
            mergeOutside(c.floats, mint, maxt),
            c.ht.filter((_, i) => keepH[i]),
            c.h.filter((_, i) => keepH[i]),
            c.prev,
          ),
        );
      }
      return next;
    });
    const tomb: Tombstone = { refs: set, mint, maxt };
    this.blocks = this.blocks.map((b) => {
      if (!refs.some((r) => b.reader.has(r))) return b;
      const next = { reader: b.reader, tombstones: [...b.tombstones, tomb] };
      if (persist) writeTombstones(next);
      return next;
    });
    this.deletesSinceFlush.push(tomb);
  }

  private deletesSinceFlush: Tombstone[] = [];

  // ---- reads ----

  querier(): Querier {
    this.checkOpen();
    const views = new Map<number, SeriesView>();
    for (const s of this.head.byRef.values()) if (s.hasData) views.set(s.ref, s.view());
    const blocks = this.blocks;
    for (const b of blocks) b.reader.users++;
    return new SnapshotQuerier(
      this.head,
      { blocks, pending: this.pending, views, nextRef: this.head.nextRef },
      (err) => this.corrupt(err),
      () => {
        for (const b of blocks) {
          b.reader.users--;
          if (b.reader.dropped && b.reader.users === 0) b.reader.close();
        }
      },
    );
  }

  private corrupt(err: CorruptChunkError): void {
    const key = err.message;
    if (this.reportedCorrupt.has(key)) return;
    this.reportedCorrupt.add(key);
    this.faults.corruptChunks++;
    this.log.error({ block: err.path, series: err.ref, err: err.message }, 'corrupt chunk skipped');
  }

  // ---- flush, retention, compaction ----

  /** Cuts head data older than `cut` into blocks at a log rotation, then checkpoints. */
  flush(before?: number): Promise<void> {
    this.checkOpen();
    const cut = before ?? this.head.maxT + 1;
    return this.rotateAndFlush(Number.isFinite(cut) ? cut : null);
  }

  private rotateAndFlush(cut: number | null): Promise<void> {
    const run = async () => {
      if (this.flushing) await this.flushing;
      const job = new Promise<void>((resolve, reject) => {
        this.wal.rotate((closed) => {
          if (closed === null) {
            this.log.warn('log rotation failed (disk full?); flush postponed');
            resolve();
            return;
          }
          const data = cut !== null ? this.head.cut(cut) : new Map<number, CutSeries>();
          if (cut !== null && cut > this.lastCut) this.lastCut = cut;
          const ckpt = captureCheckpoint(this.head.byRef.values(), this.meta, {
            nextRef: this.head.nextRef,
            lastCut: this.lastCut,
          });
          if (data.size) this.pending = [...this.pending, data];
          const deletesBefore = this.deletesSinceFlush.length;
          this.finishFlush(closed, cut, data, ckpt, deletesBefore).then(resolve, reject);
        });
      });
      this.flushing = job.finally(() => {
        this.flushing = null;
      });
      return this.flushing;
    };
    return run();
  }

  private async finishFlush(
    closed: number,
    cut: number | null,
    data: Map<number, CutSeries>,
    ckpt: CheckpointCapture,
    deletesBefore: number,
  ): Promise<void> {
    if (data.size) {
      try {
        await this.writePending(data, deletesBefore, closed, cut);
      } catch (err) {
        this.unwritten.push({ data, seg: closed, cut });
        this.log.error(
          { err },
          'flush to blocks failed; the data stays in memory and in the log, retrying later',
        );
        throw err;
      }
    }
    if (this.unwritten.length > 0) return; // the log still holds data no block has
    writeCheckpoint(this.dir, closed, await serializeCheckpoint(ckpt));
    this.wal.truncateThrough(closed);
    syncDir(this.walDir);
  }

  private async writePending(
    data: Map<number, CutSeries>,
    deletesBefore: number,
    seg: number,
    cut: number | null,
  ): Promise<void> {
    const built = await buildBlocks(this.blockDir, data);
    // recovery skips log samples older than the cut from segments up to `seg`: they are in these blocks
    if (cut !== null) {
      try {
        this.writeFlushed(seg, cut);
      } catch (err) {
        this.log.warn({ err }, 'flush marker not written; a crash now would replay this flush once more');
      }
    }
    const late = this.deletesSinceFlush.slice(deletesBefore);
    const entries: BlockEntry[] = built.map((b) => ({ reader: new BlockReader(b.path), tombstones: late }));
    for (const e of entries) if (late.length) writeTombstones(e);
    this.blocks = [...this.blocks, ...entries];
    this.sortBlocks();
    this.pending = this.pending.filter((p) => p !== data);
  }

  async maintain(): Promise<void> {
    if (this.closing) return;
    if (this.maintaining) return this.maintaining;
    this.maintaining = (async () => {
      try {
        for (const u of this.unwritten.slice()) {
          await this.writePending(u.data, this.deletesSinceFlush.length, u.seg, u.cut);
          this.unwritten = this.unwritten.filter((d) => d !== u);
        }
        const ooo = this.head.oooWindowMs;
        const cut = Math.floor((this.head.maxT - ooo) / this.blockRange) * this.blockRange;
        if (Number.isFinite(cut) && cut > this.lastCut) await this.rotateAndFlush(cut);
        if (!this.flushing && this.unwritten.length === 0) this.deletesSinceFlush = [];
        this.applyRetention();
        await this.compact();
      } catch (err) {
        this.log.error({ err }, 'storage maintenance failed');
      } finally {
        this.maintaining = null;
      }
    })();
    return this.maintaining;
  }

  private compacting: Promise<void> | null = null;

  compact(): Promise<void> {
    this.compacting ??= this.compactOnce().finally(() => {
      this.compacting = null;
    });
    return this.compacting;
  }

  private async compactOnce(): Promise<void> {
    for (const tier of [0, 1, 2] as const) {
      // the blocks being read stay open even if retention drops them meanwhile
      const reading = this.blocks.filter((b) => b.reader.tier === tier);
      for (const b of reading) b.reader.users++;
      let merged: Awaited<ReturnType<typeof compactTier>>;
      try {
        merged = await compactTier(this.blockDir, tier, reading, this.lastCut);
      } finally {
        for (const b of reading) {
          b.reader.users--;
          if (b.reader.dropped && b.reader.users === 0) b.reader.close();
        }
      }
      if (!merged) continue;
      // entries are replaced when deletions land meanwhile: match inputs by their reader, and carry
      // over the tombstones added while the merge ran (the earlier ones are applied in it)
      const inputs = new Set(merged.inputs.map((b) => b.reader));
      const applied = new Set(merged.inputs.flatMap((b) => b.tombstones));
      const current = this.blocks.filter((b) => inputs.has(b.reader));
      const tombstones = [...new Set(current.flatMap((b) => b.tombstones))].filter((t) => !applied.has(t));
      const entry: BlockEntry = { reader: new BlockReader(merged.path), tombstones };
      if (tombstones.length) writeTombstones(entry);
      this.blocks = [...this.blocks.filter((b) => !inputs.has(b.reader)), entry];
      this.sortBlocks();
      for (const old of current) this.dropBlock(old);
    }
  }

  setRetention(retention: Partial<RetentionMs>, maxBytes?: number | null): void {
    this.retention = { ...this.retention, ...retention };
    if (maxBytes !== undefined) this.maxBytes = maxBytes ?? undefined;
    this.applyRetention();
  }

  private applyRetention(): void {
    const drop = blocksToDrop(this.blocks, this.retention, this.now(), this.maxBytes, this.walBytes());
    if (drop.length === 0) return;
    this.blocks = this.blocks.filter((b) => !drop.includes(b));
    for (const b of drop) {
      this.log.info({ block: b.reader.path, maxT: b.reader.maxT }, 'retention: block deleted');
      this.dropBlock(b);
    }
    // series left with no data anywhere are forgotten (labels, postings, checkpoint)
    const live = new Set<number>();
    for (const b of this.blocks) for (const r of b.reader.seriesRefs()) live.add(r);
    for (const p of this.pending) for (const r of p.keys()) live.add(r);
    for (const u of this.unwritten) for (const r of u.data.keys()) live.add(r);
    const horizon = this.now() - this.retention.raw;
    for (const s of [...this.head.byRef.values()]) {
      if (!s.hasData && !live.has(s.ref) && s.maxT < horizon && s.hMaxT < horizon) this.head.drop(s);
    }
  }

  private dropBlock(b: BlockEntry): void {
    b.reader.dropped = true;
    for (const f of [b.reader.path, `${b.reader.path}.tomb`]) {
      try {
        unlinkSync(f);
      } catch {}
    }
    if (b.reader.users === 0) b.reader.close();
  }

  private walBytes(): number {
    let n = 0;
    for (const s of listSegments(this.walDir)) n += statSync(join(this.walDir, segmentName(s))).size;
    for (const c of listCheckpoints(this.dir))
      n += statSync(join(this.dir, `checkpoint.${String(c).padStart(8, '0')}`)).size;
    return n;
  }

  // ---- stats and close ----

  headUsage(): { series: number; sampleBytes: number } {
    let sampleBytes = 0;
    for (const s of this.head.byRef.values()) sampleBytes += s.sampleBytes;
    return { series: this.head.byRef.size, sampleBytes };
  }

  stats(): StorageStats {
    return computeStats(
      this.blocks,
      this.head,
      this.retention,
      this.walBytes(),
      this.appended,
      this.rejected,
    );
  }

  private checkOpen(): void {
    if (this.closing) throw new Error('storage is closed');
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.timer) clearInterval(this.timer);
      if (this.maintaining) await this.maintaining.catch(() => {});
      if (this.flushing) await this.flushing.catch(() => {});
      await this.wal.idle();
      // a final checkpoint of the head, so the next start reads one file instead of the log
      try {
        const [closed, capture] = await new Promise<[number | null, CheckpointCapture]>((resolve) =>
          this.wal.rotate((seg) =>
            resolve([
              seg,
              captureCheckpoint(this.head.byRef.values(), this.meta, {
                nextRef: this.head.nextRef,
                lastCut: this.lastCut,
              }),
            ]),
          ),
        );
        if (closed !== null && this.unwritten.length === 0) {
          writeCheckpoint(this.dir, closed, await serializeCheckpoint(capture));
          this.wal.truncateThrough(closed);
        }
      } catch (err) {
        this.log.warn({ err }, 'final checkpoint failed; the log will be replayed on the next start');
      }
      await this.wal.close();
      for (const b of this.blocks) b.reader.close();
      this.log.info({ dir: this.dir }, 'storage closed');
    })();
    return this.closing;
  }
}

/** Opens (creating if needed) the embedded store in `options.dir`, recovering what is there. */
export async function openStorage(options: OpenStorageOptions): Promise<EmbeddedStorage> {
  const db = new Db(options);
  db.open();
  return db;
}
