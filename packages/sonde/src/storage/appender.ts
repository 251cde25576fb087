// The appender of the embedded store: samples collect in flat typed arrays;
// commit() logs new series and the batch to the write-ahead log in one
// record group and applies them to the head only once that group is durable,
// resolving with what was accepted and why the rest was not.
import { wordsOf } from './chunkenc/float-bits.js';
import { ByteWriter } from './chunkenc/varint.js';
import { ACCEPTED, DUPLICATE, type Head, OUT_OF_ORDER } from './head.js';
import type { MemSeries } from './series.js';
import type { AppendResult, Appender, HistogramSample, Labels, SeriesRef } from './types.js';
import { frameInPlace } from './wal.js';
import { REC_SERIES, addToSeriesRecord, histogramRecord, samplesRecord } from './wal-records.js';

export interface AppendSink {
  readonly head: Head;
  /** Oldest timestamp accepted (raw retention horizon). */
  minValidTime(): number;
  /** Queues bytes in the log; `apply` runs once durable. */
  log(bytes: Uint8Array, apply: () => void, fail: (err: Error) => void): void;
  counted(r: AppendResult): void;
}

interface MutableResult {
  accepted: number;
  outOfOrder: number;
  duplicate: number;
  tooOld: number;
  invalid: number;
}

export class EmbeddedAppender implements Appender {
  private series: MemSeries[] = [];
  private t = new Float64Array(256);
  private v = new Float64Array(256);
  private n = 0;
  private hSeries: MemSeries[] = [];
  private ht: number[] = [];
  private h: HistogramSample[] = [];
  private invalid = 0;
  private readonly w = new ByteWriter(1 << 14);

  constructor(private readonly sink: AppendSink) {}

  private seriesFor(labels: Labels, remember = true): MemSeries | null {
    return this.sink.head.obtain(labels, remember);
  }

  append(labels: Labels, t: number, v: number): void {
    const s = Number.isFinite(t) ? this.seriesFor(labels) : null;
    if (!s || typeof v !== 'number') {
      this.invalid++;
      return;
    }
    this.push(s, t, v);
  }

  appendRef(ref: SeriesRef | null, labels: Labels, t: number, v: number): SeriesRef | null {
    // a handle is a MemSeries of this head; a deleted one (dropped, replaced) is looked up again
    let s = ref as MemSeries | null;
    if (s === null || s.deleted) s = this.seriesFor(labels, false);
    if (!s || !Number.isFinite(t) || typeof v !== 'number') this.invalid++;
    else this.push(s, t, v);
    return s;
  }

  private push(s: MemSeries, t: number, v: number): void {
    if (this.n === this.t.length) {
      const t2 = new Float64Array(this.n * 2);
      const v2 = new Float64Array(this.n * 2);
      t2.set(this.t);
      wordsOf(v2).set(wordsOf(this.v));
      this.t = t2;
      this.v = v2;
    }
    this.series[this.n] = s;
    this.t[this.n] = Math.round(t);
    this.v[this.n] = v;
    this.n++;
  }

  appendHistogram(labels: Labels, t: number, h: HistogramSample): void {
    const s = Number.isFinite(t) ? this.seriesFor(labels) : null;
    if (!s || !h?.positive || !h.negative) {
      this.invalid++;
      return;
    }
    this.hSeries.push(s);
    this.ht.push(Math.round(t));
    this.h.push(h);
  }

  rollback(): void {
    this.n = 0;
    this.series.length = 0;
    this.hSeries = [];
    this.ht = [];
    this.h = [];
    this.invalid = 0;
  }

  commit(): Promise<AppendResult> {
    const result: MutableResult = {
      accepted: 0,
      outOfOrder: 0,
      duplicate: 0,
      tooOld: 0,
      invalid: this.invalid,
    };
    const horizon = this.sink.minValidTime();
    // take the batch, leaving the appender ready for the next one
    const n = this.n;
    const series = this.series.slice(0, n);
    const t = this.t.slice(0, n);
    const v = this.v.slice(0, n);
    const hSeries = this.hSeries;
    const ht = this.ht;
    const h = this.h;
    this.rollback();
    const w = this.w;
    w.reset();
    const fresh: MemSeries[] = [];
    // records are framed in place: 8 header bytes reserved, patched once the payload is written
    let recordStart = 0;
    let records = 0;
    w.ensure(8);
    w.pos = 8;
    const flushRecord = () => {
      if (w.pos === recordStart + 8) return;
      frameInPlace(w.buf, recordStart, w.pos);
      records++;
      recordStart = w.pos;
      w.ensure(8);
      w.pos += 8;
    };
    // new series go in one record, ahead of the samples record that needs them
    let seriesOpen = false;
    const note = (s: MemSeries) => {
      if (s.logged || s.logging) return;
      s.logging = true;
      if (!seriesOpen) w.u8(REC_SERIES);
      seriesOpen = true;
      fresh.push(s);
      addToSeriesRecord(w, s.ref, s.labels);
    };
    const closeSeries = () => {
      if (seriesOpen) flushRecord();
      seriesOpen = false;
    };
    // drop samples older than retention up front; they are never logged
    let keep = 0;
    const vw = wordsOf(v);
    for (let i = 0; i < n; i++) {
      if (t[i] < horizon) {
        result.tooOld++;
        continue;
      }
      note(series[i]);
      series[keep] = series[i];
      t[keep] = t[i];
      vw[2 * keep] = vw[2 * i];
      vw[2 * keep + 1] = vw[2 * i + 1];
      keep++;
    }
    closeSeries();
    const refs = new Int32Array(keep);
    for (let i = 0; i < keep; i++) refs[i] = series[i].ref;
    const words = vw;
    if (keep > 0) {
      samplesRecord(w, refs, t, words, 0, keep);
      flushRecord();
    }
    const hKeep: number[] = [];
    for (let i = 0; i < hSeries.length; i++) {
      if (ht[i] < horizon) result.tooOld++;
      else {
        note(hSeries[i]);
        hKeep.push(i);
      }
    }
    closeSeries();
    if (hKeep.length) {
      histogramRecord(
        w,
        hKeep.map((i) => hSeries[i].ref),
        hKeep.map((i) => ht[i]),
        hKeep.map((i) => h[i]),
      );
      flushRecord();
    }
    if (records === 0) {
      this.sink.counted(result);
      return Promise.resolve(result);
    }
    const bytes = w.buf.slice(0, recordStart);
    return new Promise<AppendResult>((resolve, reject) => {
      this.sink.log(
        bytes,
        () => {
          for (const s of fresh) {
            s.logged = true;
            s.logging = false;
          }
          const head = this.sink.head;
          for (let i = 0; i < keep; i++) {
            const s = series[i];
            if (s.deleted) {
              result.invalid++;
              continue;
            }
            count(result, head.appendFloat(s, t[i], words[2 * i + 1], words[2 * i]));
          }
          for (const i of hKeep) {
            const s = hSeries[i];
            if (s.deleted) result.invalid++;
            else count(result, head.appendHistogram(s, ht[i], h[i]));
          }
          this.sink.counted(result);
          resolve(result);
        },
        (err) => {
          for (const s of fresh) s.logging = false;
          reject(err);
        },
      );
    });
  }
}

function count(r: MutableResult, code: number): void {
  if (code === ACCEPTED) r.accepted++;
  else if (code === OUT_OF_ORDER) r.outOfOrder++;
  else if (code === DUPLICATE) r.duplicate++;
}
