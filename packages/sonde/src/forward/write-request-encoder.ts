// Encodes remote_write 1.0 WriteRequests by hand: it is the sender's hot
// path, and the message is simple enough (labels, float samples) that a
// generic protobuf library would cost more in objects than it saves in code.
// The encoded labels of each series are cached per Labels object.
import { isStaleNaN, writeStaleNaN } from '../storage/labels.js';
import type { Labels } from '../storage/types.js';

const textEncoder = new TextEncoder();
const labelCache = new WeakMap<Labels, Uint8Array>();

function varintLength(n: number): number {
  let len = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

/** int64 varint length: negative values take ten bytes (two's complement). */
function int64Length(n: number): number {
  return n < 0 ? 10 : varintLength(n);
}

class Writer {
  buf: Buffer;
  pos = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }
  byte(b: number): void {
    this.buf[this.pos++] = b;
  }
  varint(n: number): void {
    while (n >= 128) {
      this.buf[this.pos++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }
  int64(n: number): void {
    if (n >= 0) {
      this.varint(n);
      return;
    }
    // Two's complement of a negative integer as an unsigned 64-bit varint.
    let v = BigInt.asUintN(64, BigInt(n));
    for (let i = 0; i < 9; i++) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }
  double(v: number): void {
    if (Number.isNaN(v) && isStaleNaN(v)) writeStaleNaN(this.buf, this.pos);
    else this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }
  bytes(b: Uint8Array): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
}

/** The Label fields (1) of a TimeSeries, sorted by name as remote_write requires. */
function encodedLabels(labels: Labels): Uint8Array {
  let cached = labelCache.get(labels);
  if (cached) return cached;
  const names = Object.keys(labels)
    .filter((n) => labels[n] !== '')
    .sort();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const name of names) {
    const n = textEncoder.encode(name);
    const v = textEncoder.encode(labels[name]);
    const inner = 1 + varintLength(n.length) + n.length + 1 + varintLength(v.length) + v.length;
    const w = new Writer(1 + varintLength(inner) + inner);
    w.byte(0x0a);
    w.varint(inner);
    w.byte(0x0a);
    w.varint(n.length);
    w.bytes(n);
    w.byte(0x12);
    w.varint(v.length);
    w.bytes(v);
    parts.push(w.buf);
    size += w.buf.length;
  }
  cached = new Uint8Array(size);
  let off = 0;
  for (const p of parts) {
    cached.set(p, off);
    off += p.length;
  }
  labelCache.set(labels, cached);
  return cached;
}

/**
 * A series with its samples, timestamps in ms, in time order. Values should
 * be a Float64Array: V8 may canonicalise NaN payloads (the stale marker) kept
 * in plain arrays.
 */
export interface SeriesBatch {
  readonly labels: Labels;
  readonly t: ArrayLike<number>;
  readonly v: ArrayLike<number>;
  /** Samples to take from the front of t and v; all of them when absent. */
  readonly n?: number;
}

function sampleLength(t: number): number {
  return 9 + 1 + int64Length(t);
}

export function encodeWriteRequest(series: readonly SeriesBatch[]): Buffer {
  let total = 0;
  const seriesLengths = new Array<number>(series.length);
  const labelBytes = new Array<Uint8Array>(series.length);
  for (let i = 0; i < series.length; i++) {
    const s = series[i];
    const encoded = encodedLabels(s.labels);
    labelBytes[i] = encoded;
    let len = encoded.length;
    const n = s.n ?? s.t.length;
    for (let j = 0; j < n; j++) {
      const sl = sampleLength(s.t[j]);
      len += 1 + varintLength(sl) + sl;
    }
    seriesLengths[i] = len;
    total += 1 + varintLength(len) + len;
  }
  const w = new Writer(total);
  for (let i = 0; i < series.length; i++) {
    const s = series[i];
    w.byte(0x0a);
    w.varint(seriesLengths[i]);
    w.bytes(labelBytes[i]);
    const n = s.n ?? s.t.length;
    for (let j = 0; j < n; j++) {
      const t = s.t[j];
      w.byte(0x12);
      w.varint(sampleLength(t));
      w.byte(0x09);
      w.double(s.v[j]);
      w.byte(0x10);
      w.int64(t);
    }
  }
  return w.buf;
}
