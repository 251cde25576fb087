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
import { viewFloats } from './samples.js';
import type { MemSeries } from './series.js';
import type { MetricMetadata } from './types.js';
import { frame, readSegment, syncDir } from './wal.js';
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

function headRecord(w: ByteWriter, s: MemSeries): void {
  w.u8(REC_HEAD);
  w.uvarint(s.ref);
  w.varint(Number.isFinite(s.maxT) ? s.maxT : -1);
  w.bits64(s.lastHi, s.lastLo);
  const [ph, pl] = bitsOf(s.prev);
  w.bits64(ph, pl);
  w.varint(Number.isFinite(s.hMaxT) ? s.hMaxT : -1);
  const f = viewFloats(s.view(), Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
  encodeTimestamps(w, f.t, 0, f.t.length);
  encodeValues(w, f.v, 0, f.v.length);
  w.uvarint(s.h.length);
  for (const t of s.ht) w.varint(t);
  encodeHistograms(w, s.h, 0, s.h.length);
}

/** Serializes the head now (synchronously: the caller is at a rotation point). */
export function serializeCheckpoint(
  series: Iterable<MemSeries>,
  metadata: ReadonlyMap<string, MetricMetadata>,
  state: StoreState,
): Buffer {
  const parts: Uint8Array[] = [];
  const w = new ByteWriter(1 << 16);
  const put = () => {
    parts.push(frame(w.finish()));
    w.reset();
  };
  w.u8(REC_STATE);
  w.uvarint(state.nextRef);
  w.varint(Number.isFinite(state.lastCut) ? state.lastCut : -1);
  put();
  for (const [metric, meta] of metadata) {
    metadataRecord(w, metric, meta);
    put();
  }
  for (const s of series) {
    if (s.deleted) continue;
    seriesRecord(w, s.ref, s.labels);
    put();
    if (s.hasData || Number.isFinite(s.maxT)) {
      headRecord(w, s);
      put();
    }
  }
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
  t: Float64Array;
  v: Float64Array;
  ht: number[];
  h: ReturnType<typeof decodeHistograms>;
}

export function readHeadRecord(r: ByteReader): HeadRecord {
  const ref = r.uvarint();
  const maxT = r.varint();
  const lastLo = r.u32();
  const lastHi = r.u32();
  const pw = new Float64Array(1);
  const pu = new Uint32Array(pw.buffer);
  pu[0] = r.u32();
  pu[1] = r.u32();
  const hMaxT = r.varint();
  const n = new ByteReader(r.buf, r.pos, r.end).uvarint();
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  decodeTimestamps(r, t, 0);
  decodeValues(r, v, 0);
  const hn = r.uvarint();
  const ht: number[] = [];
  for (let i = 0; i < hn; i++) ht.push(r.varint());
  const h = decodeHistograms(r);
  return { ref, maxT, lastHi, lastLo, prev: pw[0], hMaxT, t, v, ht, h };
}

export function readCheckpoint(dir: string, n: number): ReturnType<typeof readSegment> {
  return readSegment(join(dir, checkpointName(n)));
}

export function readState(r: ByteReader): StoreState {
  const nextRef = r.uvarint();
  const lastCut = r.varint();
  return { nextRef, lastCut: lastCut === -1 ? Number.NEGATIVE_INFINITY : lastCut };
}
