// A checkpoint is the head written out whole at a log rotation: every live
// series (labels), metric metadata, the head's samples, and the store's
// counters. With it on disk, the log segments up to the rotation can go, so
// recovery reads one compact file plus the few segments written after it.
// Framed and CRC-checked like the log; written to a temporary name, synced,
// renamed.
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { decodeHistograms, encodeHistograms } from './chunkenc/chunk-histogram.js';
import { bitsOf } from './chunkenc/float-bits.js';
import { decodeTimestamps, encodeTimestamps } from './chunkenc/timestamps.js';
import { decodeValues, encodeValues } from './chunkenc/values.js';
import { ByteReader, ByteWriter } from './chunkenc/varint.js';
import { type HeadChunk, type MemSeries, type Samples, type SeriesView, decodeChunk } from './series.js';
import type { Labels, MetricMetadata } from './types.js';
import { frameInPlace, readSegment, syncDir } from './wal.js';
import { metadataRecord, seriesRecord } from './wal-records.js';

export const REC_HEAD = 6;
export const REC_STATE = 7;

export interface StoreState {
  nextRef: number;
  lastCut: number;
}

export function checkpointName(n: number): string {
  return `checkpoint.${String(n).padStart(8, '0')}`;
}

export function listCheckpoints(dir: string): number[] {
  return readdirSync(dir)
    .map((f) => /^checkpoint\.(\d{8})$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/** What a checkpoint holds, captured synchronously at a rotation point (views are immutable). */
export interface CheckpointCapture {
  readonly state: StoreState;
  readonly meta: [string, MetricMetadata][];
  readonly series: {
    readonly ref: number;
    readonly labels: Labels;
    readonly maxT: number;
    readonly lastHi: number;
    readonly lastLo: number;
    readonly prev: number;
    readonly hMaxT: number;
    readonly view: SeriesView | null;
  }[];
}

export function captureCheckpoint(
  series: Iterable<MemSeries>,
  metadata: ReadonlyMap<string, MetricMetadata>,
  state: StoreState,
): CheckpointCapture {
  const out: CheckpointCapture['series'] = [];
  for (const s of series) {
    if (s.deleted) continue;
    const keep = s.hasData || Number.isFinite(s.maxT) || Number.isFinite(s.hMaxT);
    out.push({
      ref: s.ref,
      labels: s.labels,
      maxT: s.maxT,
      lastHi: s.lastHi,
      lastLo: s.lastLo,
      prev: s.prev,
      hMaxT: s.hMaxT,
      view: keep ? s.view() : null,
    });
  }
  return { state: { ...state }, meta: [...metadata], series: out };
}

/** The bytes of an empty time and value column pair, and of an empty histogram run: most series have both. */
const EMPTY_COLUMNS = (() => {
  const w = new ByteWriter(64);
  const none = new Float64Array(0);
  encodeTimestamps(w, none, 0, 0);
  encodeValues(w, none, 0, 0);
  return w.finish();
})();
const EMPTY_HISTOGRAMS = (() => {
  const w = new ByteWriter(64);
  encodeHistograms(w, [], 0, 0);
  return w.finish();
})();

function headRecord(w: ByteWriter, s: CheckpointCapture['series'][number], v: SeriesView): void {
  w.u8(REC_HEAD);
  w.uvarint(s.ref);
  w.varint(Number.isFinite(s.maxT) ? s.maxT : -1);
  w.bits64(s.lastHi, s.lastLo);
  const [ph, pl] = bitsOf(s.prev);
  w.bits64(ph, pl);
  w.varint(Number.isFinite(s.hMaxT) ? s.hMaxT : -1);
  // sealed head chunks go as they are: no decoding, no re-encoding
  w.uvarint(v.nChunks);
  for (let i = 0; i < v.nChunks; i++) {
    const c = v.chunks[i];
    w.varint(c.minT);
    w.varint(c.maxT);
    w.uvarint(c.n);
    w.uvarint(c.bytes.length);
    w.bytes(c.bytes);
  }
  if (v.n === 0) w.bytes(EMPTY_COLUMNS);
  else {
    encodeTimestamps(w, v.t, 0, v.n);
    encodeValues(w, v.v, 0, v.n);
  }
  const ooo = v.ooo;
  if (ooo === null || ooo.t.length === 0) w.bytes(EMPTY_COLUMNS);
  else {
    encodeTimestamps(w, ooo.t, 0, ooo.t.length);
    encodeValues(w, ooo.v, 0, ooo.v.length);
  }
  w.uvarint(v.hn);
  for (let i = 0; i < v.hn; i++) w.varint(v.ht[i]);
  if (v.hn === 0) w.bytes(EMPTY_HISTOGRAMS);
  else encodeHistograms(w, v.h, 0, v.hn);
}

const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Framed records are gathered in one buffer and handed out in parts of about this size. */
const PART_BYTES = 1 << 20;

/** Serializes a capture, yielding to the event loop now and then. */
export async function serializeCheckpoint(c: CheckpointCapture): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  const w = new ByteWriter(PART_BYTES + (PART_BYTES >>> 2));
  // each record is framed in place: 8 header bytes reserved, filled in once its payload is written
  let recordStart = 0;
  const begin = () => {
    recordStart = w.pos;
    w.ensure(8);
    w.pos += 8;
  };
  const end = () => {
    frameInPlace(w.buf, recordStart, w.pos);
    if (w.pos >= PART_BYTES) {
      parts.push(w.buf.slice(0, w.pos));
      w.reset();
    }
  };
  begin();
  w.u8(REC_STATE);
  w.uvarint(c.state.nextRef);
  w.varint(Number.isFinite(c.state.lastCut) ? c.state.lastCut : -1);
  end();
  for (const [metric, meta] of c.meta) {
    begin();
    metadataRecord(w, metric, meta);
    end();
  }
  let since = performance.now();
  for (const s of c.series) {
    begin();
    seriesRecord(w, s.ref, s.labels);
    end();
    if (s.view) {
      begin();
      headRecord(w, s, s.view);
      end();
    }
    if (performance.now() - since > 8) {
      await yieldNow();
      since = performance.now();
    }
  }
  if (w.pos > 0) parts.push(w.buf.subarray(0, w.pos));
  return Buffer.concat(parts);
}

export function writeCheckpoint(dir: string, n: number, bytes: Buffer): void {
  const path = join(dir, checkpointName(n));
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  syncDir(dir);
  for (const old of listCheckpoints(dir)) if (old < n) unlinkSync(join(dir, checkpointName(old)));
}

export interface HeadRecord {
  ref: number;
  maxT: number;
  lastHi: number;
  lastLo: number;
  prev: number;
  hMaxT: number;
  chunks: HeadChunk[];
  open: Samples;
  ooo: Samples | null;
  ht: number[];
  h: ReturnType<typeof decodeHistograms>;
}

function readColumns(r: ByteReader): Samples {
  const n = new ByteReader(r.buf, r.pos, r.end).uvarint();
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  decodeTimestamps(r, t, 0);
  if (decodeValues(r, v, 0) !== n) throw new RangeError('corrupt checkpoint columns');
  return { t, v };
}

/** Scratch for the prev value's bits and for decoding sealed chunks (only their last value is kept). */
const pw = new Float64Array(1);
const pu = new Uint32Array(pw.buffer);
let scratchT = new Float64Array(256);
let scratchV = new Float64Array(256);

export function readHeadRecord(r: ByteReader): HeadRecord {
  const ref = r.uvarint();
  const maxT = r.varint();
  const lastLo = r.u32();
  const lastHi = r.u32();
  pu[0] = r.u32();
  pu[1] = r.u32();
  const prev = pw[0];
  const hMaxT = r.varint();
  const nc = r.uvarint();
  const chunks: HeadChunk[] = [];
  for (let i = 0; i < nc; i++) {
    const minT = r.varint();
    const cmaxT = r.varint();
    const n = r.uvarint();
    const bytes = r.bytes(r.uvarint()).slice();
    const chunk = { minT, maxT: cmaxT, n, lastV: 0, bytes };
    if (scratchT.length < n) {
      scratchT = new Float64Array(n);
      scratchV = new Float64Array(n);
    }
    decodeChunk(chunk, scratchT, scratchV, 0);
    chunk.lastV = scratchV[n - 1];
    chunks.push(chunk);
  }
  const open = readColumns(r);
  const ooo = readColumns(r);
  const hn = r.uvarint();
  const ht: number[] = [];
  for (let i = 0; i < hn; i++) ht.push(r.varint());
  const h = decodeHistograms(r);
  return {
    ref,
    maxT,
    lastHi,
    lastLo,
    prev,
    hMaxT,
    chunks,
    open,
    ooo: ooo.t.length ? ooo : null,
    ht,
    h,
  };
}

export function readCheckpoint(dir: string, n: number): ReturnType<typeof readSegment> {
  return readSegment(join(dir, checkpointName(n)));
}

export function readState(r: ByteReader): StoreState {
  const nextRef = r.uvarint();
  const lastCut = r.varint();
  return { nextRef, lastCut: lastCut === -1 ? Number.NEGATIVE_INFINITY : lastCut };
}
