// Decodes a remote_write WriteRequest straight into a sink, without building
// the message tree: labels are read once per distinct series (a cache keyed
// by the series' label bytes hands back the same Labels object across
// requests) and float samples go to the sink as they are read. Histograms
// and metadata, rare next to samples, go through the protobufjs types.
import type { HistogramSample, Labels, MetricMetadata, MetricType } from '../../storage/types.js';
import { spansToRun } from '../histogram.js';
import { IngestInputError } from '../limits.js';
import { SeriesEntry } from '../series-entry.js';
import { SeriesByLabelBytes, sameKey } from './series-cache.js';
import { HistogramType, MetricMetadataType } from './schema.js';
import { LabelStrings } from '../label-strings.js';

export interface WriteRequestSink {
  /** Starts a series; its samples follow. The entry is the decoder's cache entry for it (same labels). */
  series(labels: Labels, entry: SeriesEntry): void;
  sample(t: number, v: number): void;
  histogram(t: number, h: HistogramSample): void;
  /** A histogram that could not be converted, with the reason. */
  invalid(reason: string): void;
  metadata(name: string, meta: MetricMetadata): void;
}

class Reader {
  pos = 0;
  constructor(
    public buf: Buffer,
    public end: number,
  ) {}

  varint(): number {
    const b = this.buf;
    const start = this.pos;
    let x = 0;
    let mul = 1;
    for (let n = 0; n < 10; n++) {
      if (this.pos >= this.end) throw truncated(this.pos);
      const c = b[this.pos++];
      if (n === 9 && c > 1) throw new IngestInputError(`remote_write: varint too long at byte ${this.pos}`);
      x += (c & 0x7f) * mul;
      if (c < 0x80) {
        // A 10-byte varint is a negative int64 in two's complement; floats cannot hold it exactly.
        return n === 9 ? negativeVarint(b, start) : x;
      }
      mul *= 128;
    }
    throw new IngestInputError(`remote_write: varint too long at byte ${this.pos}`);
  }

  /** The end offset of a length-delimited field starting here. */
  sub(): number {
    const len = this.varint();
    const e = this.pos + len;
    if (e > this.end) throw truncated(this.pos);
    return e;
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.pos = this.sub();
    else if (wire === 5) this.pos += 4;
    else throw new IngestInputError(`remote_write: unsupported wire type ${wire} at byte ${this.pos}`);
    if (this.pos > this.end) throw truncated(this.pos);
  }
}

function negativeVarint(b: Buffer, start: number): number {
  let x = 0n;
  for (let i = 0; i < 10; i++) x |= BigInt(b[start + i] & 0x7f) << BigInt(7 * i);
  return Number(BigInt.asIntN(64, x));
}

function truncated(at: number): IngestInputError {
  return new IngestInputError(`remote_write: message truncated at byte ${at}`);
}

const METADATA_TYPES: MetricType[] = [
  'unknown',
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
];

export interface DecoderOptions {
  /** Distinct label blocks remembered across requests; the cache is cleared when full. */
  readonly maxCachedSeries?: number;
}

export class WriteRequestDecoder {
  private readonly cache: SeriesByLabelBytes;
  /** The cached series decoded last. */
  private last: SeriesEntry | null = null;
  // Field ranges of the current TimeSeries, reused between series.
  private readonly samples: number[] = [];
  private readonly histograms: number[] = [];
  private readonly sampleReader = new Reader(Buffer.alloc(0), 0);
  private readonly strings = new LabelStrings();

  constructor(options: DecoderOptions = {}) {
    this.cache = new SeriesByLabelBytes(options.maxCachedSeries ?? 1_000_000);
  }

  decode(buf: Buffer, sink: WriteRequestSink): void {
    const r = new Reader(buf, buf.length);
    while (r.pos < r.end) {
      const p = r.pos;
      if (buf[p] === 0x0a && p + 2 < r.end) {
        // the usual case, read in place: a TimeSeries (field 1) with a one- or two-byte length
        const b1 = buf[p + 1];
        const b2 = buf[p + 2];
        const start = b1 < 0x80 ? p + 2 : b2 < 0x80 ? p + 3 : -1;
        if (start > 0) {
          const e = start + (b1 < 0x80 ? b1 : (b1 & 0x7f) | (b2 << 7));
          if (e > r.end) throw truncated(start);
          r.pos = start;
          this.timeSeries(r, e, sink);
          r.pos = e;
          continue;
        }
      }
      const key = r.varint();
      const field = Math.floor(key / 8);
      const wire = key & 7;
      if (field === 1 && wire === 2) {
        const e = r.sub();
        this.timeSeries(r, e, sink);
        r.pos = e;
      } else if (field === 3 && wire === 2) {
        const e = r.sub();
        this.metadata(buf.subarray(r.pos, e), sink);
        r.pos = e;
      } else r.skip(wire);
    }
  }

  private timeSeries(r: Reader, end: number, sink: WriteRequestSink): void {
    const buf = r.buf;
    // field ranges as start, end pairs; counted, not cleared (setting an array's length is a runtime call)
    const samples = this.samples;
    const histograms = this.histograms;
    let ns = 0;
    let nh = 0;
    let labelStart = -1;
    let labelEnd = -1;
    let contiguous = true;
    const outer = r.end;
    r.end = end;
    let pos = r.pos;
    // Senders repeat their order: when the series that followed the last one last time has its
    // label bytes right here, the labels need neither scanning nor a key string to find it.
    let entry: SeriesEntry | undefined;
    const guess = this.last === null ? null : this.last.next;
    if (guess !== null) {
      const n = guess.keyLength;
      if (
        n > 0 &&
        pos + n <= end &&
        (pos + n === end || buf[pos + n] !== 0x0a) &&
        sameKey(guess, buf, pos, pos + n)
      ) {
        entry = guess;
        labelStart = pos;
        labelEnd = pos + n;
        pos += n;
      }
    }
    while (pos < end) {
      const at = pos;
      const k = buf[pos];
      let field: number;
      let start: number;
      let e: number;
      if (k < 0x80 && (k & 7) === 2 && pos + 1 < end && buf[pos + 1] < 0x80) {
        // the usual case, read in place: a one-byte key of a length-delimited field, a one-byte length
        field = k >>> 3;
        start = pos + 2;
        e = start + buf[pos + 1];
        if (e > end) throw truncated(start);
      } else {
        r.pos = pos;
        const key = r.varint();
        const wire = key & 7;
        if (wire !== 2) {
          r.skip(wire);
          pos = r.pos;
          continue;
        }
        field = Math.floor(key / 8);
        e = r.sub();
        start = r.pos;
      }
      if (field === 1) {
        entry = undefined; // more labels than the guess had: look the series up in full
        if (labelStart < 0) labelStart = at;
        else if (labelEnd !== at) contiguous = false;
        labelEnd = e;
      } else if (field === 2) {
        samples[ns++] = start;
        samples[ns++] = e;
      } else if (field === 4) {
        histograms[nh++] = start;
        histograms[nh++] = e;
      }
      pos = e;
    }
    r.pos = pos;
    r.end = outer;
    const keyed = labelStart >= 0 && contiguous;
    if (entry === undefined) {
      const h = keyed ? this.cache.hashOf(buf, labelStart, labelEnd) : 0;
      if (keyed) entry = this.cache.get(h, buf, labelStart, labelEnd);
      if (entry === undefined) {
        const labels = this.readLabels(buf, labelStart < 0 ? end : labelStart, end);
        entry = keyed ? this.cache.add(h, labels, buf, labelStart, labelEnd) : new SeriesEntry(labels);
      }
    }
    if (!keyed) this.last = null;
    else {
      if (this.last !== null) this.last.next = entry;
      this.last = entry;
    }
    sink.series(entry.labels, entry);
    for (let i = 0; i < ns; i += 2) this.sample(buf, samples[i], samples[i + 1], sink);
    for (let i = 0; i < nh; i += 2) this.histogram(buf.subarray(histograms[i], histograms[i + 1]), sink);
  }

  private readLabels(buf: Buffer, start: number, end: number): Labels {
    const labels: Record<string, string> = {};
    const r = new Reader(buf, end);
    r.pos = start;
    while (r.pos < end) {
      const key = r.varint();
      const wire = key & 7;
      if (key >>> 3 !== 1 || wire !== 2) {
        r.skip(wire);
        continue;
      }
      const e = r.sub();
      let name = '';
      let value = '';
      while (r.pos < e) {
        const k = r.varint();
        if ((k & 7) !== 2) {
          const outer = r.end;
          r.end = e;
          r.skip(k & 7);
          r.end = outer;
          continue;
        }
        const se = r.sub();
        if (se > e) throw truncated(r.pos);
        const s = this.strings.read(buf, r.pos, se, 'remote_write: label');
        if (k >>> 3 === 1) name = s;
        else if (k >>> 3 === 2) value = s;
        r.pos = se;
      }
      if (value !== '') labels[name] = value;
    }
    return labels;
  }

  private sample(buf: Buffer, start: number, end: number, sink: WriteRequestSink): void {
    let v = 0;
    let t = 0;
    let p = start;
    const r = this.sampleReader;
    r.buf = buf;
    r.end = end;
    while (p < end) {
      const key = buf[p];
      if (key === 0x09) {
        // field 1, fixed64: the value
        if (p + 9 > end) throw truncated(p);
        v = buf.readDoubleLE(p + 1);
        p += 9;
      } else if (key === 0x10) {
        // field 2, varint: the timestamp
        r.pos = p + 1;
        t = r.varint();
        p = r.pos;
      } else {
        r.pos = p;
        const k = r.varint();
        r.skip(k & 7);
        p = r.pos;
      }
    }
    sink.sample(t, v);
  }

  private histogram(bytes: Buffer, sink: WriteRequestSink): void {
    let m: Record<string, unknown>;
    try {
      m = HistogramType.toObject(HistogramType.decode(bytes), {
        longs: Number,
        defaults: true,
        oneofs: true,
      });
    } catch (err) {
      throw new IngestInputError(`remote_write: bad histogram: ${(err as Error).message}`);
    }
    const float = m.count === 'count_float';
    const positive = spansToRun(
      m.positive_spans as { offset: number; length: number }[],
      (float ? m.positive_counts : m.positive_deltas) as number[],
      !float,
    );
    const negative = spansToRun(
      m.negative_spans as { offset: number; length: number }[],
      (float ? m.negative_counts : m.negative_deltas) as number[],
      !float,
    );
    if (typeof positive === 'string') {
      sink.invalid(`histogram: ${positive}`);
      return;
    }
    if (typeof negative === 'string') {
      sink.invalid(`histogram: ${negative}`);
      return;
    }
    const schema = m.schema as number;
    if (schema < -4 || schema > 8) {
      sink.invalid(`histogram: schema ${schema} is outside -4..8`);
      return;
    }
    sink.histogram(m.timestamp as number, {
      schema,
      zeroThreshold: m.zero_threshold as number,
      zeroCount: (m.zero_count === 'zero_count_float' ? m.zero_count_float : m.zero_count_int) as number,
      count: (float ? m.count_float : m.count_int) as number,
      sum: m.sum as number,
      positive,
      negative,
    });
  }

  private metadata(bytes: Buffer, sink: WriteRequestSink): void {
    let m: Record<string, unknown>;
    try {
      m = MetricMetadataType.toObject(MetricMetadataType.decode(bytes), { enums: Number, defaults: true });
    } catch (err) {
      throw new IngestInputError(`remote_write: bad metadata: ${(err as Error).message}`);
    }
    const name = m.metric_family_name as string;
    if (!name) return;
    sink.metadata(name, {
      type: METADATA_TYPES[m.type as number] ?? 'unknown',
      help: m.help as string,
      unit: m.unit as string,
    });
  }
}
