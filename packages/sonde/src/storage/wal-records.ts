// The payloads of write-ahead-log records: new series, float samples,
// histogram samples, deletions and metric metadata. Float values travel as
// their raw 64 bits.
import { decodeHistograms, encodeHistograms } from './chunkenc/chunk-histogram.js';
import { ByteReader, ByteWriter } from './chunkenc/varint.js';
import type { HistogramSample, Labels, MetricMetadata } from './types.js';

export const REC_SERIES = 1;
export const REC_SAMPLES = 2;
export const REC_HISTOGRAMS = 3;
export const REC_DELETE = 4;
export const REC_METADATA = 5;

const enc = new TextEncoder();
const dec = new TextDecoder();

export function writeString(w: ByteWriter, s: string): void {
  // ASCII (label names, most values) goes straight into the buffer, without an encoded copy
  const n = s.length;
  w.ensure(n + 10);
  const start = w.pos;
  w.uvarint(n);
  const buf = w.buf;
  let p = w.pos;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      w.pos = start;
      const b = enc.encode(s);
      w.uvarint(b.length);
      w.bytes(b);
      return;
    }
    buf[p++] = c;
  }
  w.pos = p;
}

export function readString(r: ByteReader): string {
  return dec.decode(r.bytes(r.uvarint()));
}

export function writeLabels(w: ByteWriter, labels: Labels): void {
  let n = 0;
  for (const _ in labels) n++;
  w.uvarint(n);
  for (const name in labels) {
    writeString(w, name);
    writeString(w, labels[name]);
  }
}

export function readLabels(r: ByteReader): Record<string, string> {
  const n = r.uvarint();
  const out: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const name = readString(r);
    out[name] = readString(r);
  }
  return out;
}

/**
 * New series: (ref, labels) pairs to the end of the record. One record per series was the
 * old form (still read); a commit now logs all its new series in one record, framed and
 * checksummed once.
 */
export function seriesRecord(w: ByteWriter, ref: number, labels: Labels): void {
  w.u8(REC_SERIES);
  addToSeriesRecord(w, ref, labels);
}

/** Appends one more (ref, labels) pair to a series record being written. */
export function addToSeriesRecord(w: ByteWriter, ref: number, labels: Labels): void {
  w.uvarint(ref);
  writeLabels(w, labels);
}

/** Every (ref, labels) pair of a series record, in order. */
export function readSeries(r: ByteReader, each: (ref: number, labels: Record<string, string>) => void): void {
  while (r.pos < r.end) each(r.uvarint(), readLabels(r));
}

/** Float samples: refs, timestamps and the raw words (lo, hi pairs) of the values. */
export function samplesRecord(
  w: ByteWriter,
  refs: Int32Array,
  t: Float64Array,
  words: Uint32Array,
  from: number,
  to: number,
): void {
  w.u8(REC_SAMPLES);
  w.uvarint(to - from);
  const t0 = to > from ? t[from] : 0;
  w.varint(t0);
  w.ensure((to - from) * 22);
  for (let i = from; i < to; i++) {
    w.uvarint(refs[i]);
    w.varint(t[i] - t0);
    w.bits64(words[2 * i + 1], words[2 * i]);
  }
}

export interface DecodedSamples {
  refs: Int32Array;
  t: Float64Array;
  v: Float64Array;
}

export function readSamples(r: ByteReader): DecodedSamples {
  const n = r.uvarint();
  const refs = new Int32Array(n);
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  const words = new Uint32Array(v.buffer);
  const t0 = r.varint();
  for (let i = 0; i < n; i++) {
    refs[i] = r.uvarint();
    t[i] = t0 + r.varint();
    words[2 * i] = r.u32();
    words[2 * i + 1] = r.u32();
  }
  return { refs, t, v };
}

export function histogramRecord(w: ByteWriter, refs: number[], t: number[], h: HistogramSample[]): void {
  w.u8(REC_HISTOGRAMS);
  w.uvarint(refs.length);
  for (let i = 0; i < refs.length; i++) {
    w.uvarint(refs[i]);
    w.varint(t[i]);
    encodeHistograms(w, h, i, i + 1);
  }
}

export function readHistograms(r: ByteReader): { refs: number[]; t: number[]; h: HistogramSample[] } {
  const n = r.uvarint();
  const refs: number[] = [];
  const t: number[] = [];
  const h: HistogramSample[] = [];
  for (let i = 0; i < n; i++) {
    refs.push(r.uvarint());
    t.push(r.varint());
    h.push(decodeHistograms(r)[0]);
  }
  return { refs, t, h };
}

export function deleteRecord(w: ByteWriter, refs: readonly number[], mint: number, maxt: number): void {
  w.u8(REC_DELETE);
  w.uvarint(refs.length);
  for (const r of refs) w.uvarint(r);
  writeString(w, String(mint));
  writeString(w, String(maxt));
}

export function readDelete(r: ByteReader): { refs: number[]; mint: number; maxt: number } {
  const n = r.uvarint();
  const refs: number[] = [];
  for (let i = 0; i < n; i++) refs.push(r.uvarint());
  return { refs, mint: Number(readString(r)), maxt: Number(readString(r)) };
}

export function metadataRecord(w: ByteWriter, metric: string, meta: MetricMetadata): void {
  w.u8(REC_METADATA);
  writeString(w, metric);
  writeString(w, meta.type);
  writeString(w, meta.help);
  writeString(w, meta.unit);
}

export function readMetadata(r: ByteReader): { metric: string; meta: MetricMetadata } {
  const metric = readString(r);
  const type = readString(r) as MetricMetadata['type'];
  return { metric, meta: { type, help: readString(r), unit: readString(r) } };
}

export { ByteReader, ByteWriter };
