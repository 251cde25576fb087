// The remote_write 1.0 receiver: a snappy-compressed WriteRequest in, one
// Appender commit out, resolved only when durable. Series with labels that
// cannot be stored, and histograms that cannot be converted, are counted and
// skipped; the rest of the request is kept.
import type { HistogramSample, Labels, MetricMetadata, Storage } from '../../storage/types.js';
import { IngestBatch, type IngestSummary, PreparedLabelsCache } from '../batch.js';
import { type IngestLimits, resolveLimits } from '../limits.js';
import type { SeriesEntry } from '../series-entry.js';
import { snappyUncompress } from '../snappy.js';
import type { IngestStats } from '../stats.js';
import { WriteRequestDecoder, type WriteRequestSink } from './decode.js';

export interface RemoteWriteOptions {
  readonly limits?: Partial<IngestLimits>;
  readonly stats?: IngestStats;
}

class BatchSink implements WriteRequestSink {
  private labels: Labels = {};
  private entry: SeriesEntry | null = null;
  constructor(private readonly batch: IngestBatch) {}
  series(labels: Labels, entry: SeriesEntry): void {
    this.labels = labels;
    this.entry = entry;
  }
  sample(t: number, v: number): void {
    if (this.entry) this.batch.addEntry(this.entry, t, v);
  }
  histogram(t: number, h: HistogramSample): void {
    this.batch.addHistogram(this.labels, t, h);
  }
  invalid(reason: string): void {
    this.batch.reject(0, `${this.labels.__name__ ?? ''}: ${reason}`, 'invalid');
  }
  metadata(name: string, meta: MetricMetadata): void {
    this.batch.setMetadata(name, meta);
  }
}

export class RemoteWriteReceiver {
  private readonly decoder = new WriteRequestDecoder();
  private readonly prepared = new PreparedLabelsCache();
  private readonly limits: IngestLimits;

  constructor(
    private readonly storage: Storage,
    private readonly options: RemoteWriteOptions = {},
  ) {
    this.limits = resolveLimits(options.limits);
  }

  /** Decodes and stores one request body (snappy-compressed protobuf). Throws IngestInputError / IngestLimitError. */
  async receive(body: Buffer): Promise<IngestSummary> {
    return this.receiveDecompressed(snappyUncompress(body, this.limits.maxDecompressedBytes));
  }

  /** The same, for a WriteRequest already decompressed. */
  async receiveDecompressed(raw: Buffer): Promise<IngestSummary> {
    const batch = new IngestBatch(this.storage, {
      limits: this.limits,
      path: 'remote_write',
      stats: this.options.stats,
      shared: this.prepared,
    });
    try {
      this.decoder.decode(raw, new BatchSink(batch));
    } catch (err) {
      batch.rollback();
      throw err;
    }
    return batch.commit();
  }
}
