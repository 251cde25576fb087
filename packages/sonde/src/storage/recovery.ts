// Recovery: applying checkpoint and log records to the head, and the flush
// marker that tells replay which logged samples are already in blocks (a
// crash between writing a flush's blocks and its checkpoint would otherwise
// bring them back into the head and count them twice in the rollups).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REC_HEAD, REC_STATE, readHeadRecord, readState } from './checkpoint.js';
import { ByteReader } from './chunkenc/varint.js';
import type { Head } from './head.js';
import type { MetricMetadata } from './types.js';
import {
  REC_DELETE,
  REC_HISTOGRAMS,
  REC_METADATA,
  REC_SAMPLES,
  REC_SERIES,
  readDelete,
  readHistograms,
  readSeries,
  readMetadata,
  readSamples,
} from './wal-records.js';

export interface ReplayTarget {
  readonly head: Head;
  readonly meta: Map<string, MetricMetadata>;
  setLastCut(cut: number): void;
  applyDelete(refs: number[], mint: number, maxt: number): void;
  fault(msg: string): void;
}

/** Applies one record; samples older than `skipBefore` are already in blocks. */
export function replayRecord(x: ReplayTarget, rec: Uint8Array, skipBefore: number | null): void {
  const head = x.head;
  const r = new ByteReader(rec, 1);
  try {
    switch (rec[0]) {
      case REC_STATE: {
        const st = readState(r);
        head.nextRef = Math.max(head.nextRef, st.nextRef);
        x.setLastCut(st.lastCut);
        break;
      }
      case REC_SERIES: {
        readSeries(r, (ref, labels) => {
          if (!head.byRef.has(ref)) head.create(labels, ref);
        });
        break;
      }
      case REC_HEAD: {
        const h = readHeadRecord(r);
        const s = head.byRef.get(h.ref);
        if (!s) break;
        head.restore(s, h.chunks, h.open, h.ooo, h.ht, h.h);
        s.maxT = h.maxT === -1 ? Number.NEGATIVE_INFINITY : h.maxT;
        s.lastHi = h.lastHi;
        s.lastLo = h.lastLo;
        s.prev = h.prev;
        s.hMaxT = h.hMaxT === -1 ? Number.NEGATIVE_INFINITY : h.hMaxT;
        if (s.maxT > head.maxT) head.maxT = s.maxT;
        break;
      }
      case REC_SAMPLES: {
        const { refs, t, v } = readSamples(r);
        const words = new Uint32Array(v.buffer);
        for (let i = 0; i < refs.length; i++) {
          if (skipBefore !== null && t[i] < skipBefore) continue;
          const s = head.byRef.get(refs[i]);
          if (s) head.appendFloat(s, t[i], words[2 * i + 1], words[2 * i]);
        }
        break;
      }
      case REC_HISTOGRAMS: {
        const { refs, t, h } = readHistograms(r);
        for (let i = 0; i < refs.length; i++) {
          if (skipBefore !== null && t[i] < skipBefore) continue;
          const s = head.byRef.get(refs[i]);
          if (s) head.appendHistogram(s, t[i], h[i]);
        }
        break;
      }
      case REC_DELETE: {
        const d = readDelete(r);
        x.applyDelete(d.refs, d.mint, d.maxt);
        break;
      }
      case REC_METADATA: {
        const m = readMetadata(r);
        x.meta.set(m.metric, m.meta);
        break;
      }
      default:
        x.fault(`unknown log record type ${rec[0]} skipped`);
    }
  } catch (err) {
    x.fault(`unreadable log record skipped: ${(err as Error).message}`);
  }
}

export interface FlushMarker {
  /** The last log segment the flush's head state came from. */
  seg: number;
  /** Everything older than this from segments ≤ seg is in blocks. */
  cut: number;
}

export function writeFlushMarker(dir: string, m: FlushMarker): void {
  const path = join(dir, 'flushed.json');
  writeFileSync(`${path}.tmp`, JSON.stringify(m), { flush: true });
  renameSync(`${path}.tmp`, path);
}

export function readFlushMarker(dir: string): FlushMarker | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'flushed.json'), 'utf8')) as FlushMarker;
  } catch {
    return null;
  }
}
