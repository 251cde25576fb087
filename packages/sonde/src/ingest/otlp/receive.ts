// The OTLP/HTTP metrics receiver: an ExportMetricsServiceRequest in protobuf
// or JSON, translated into one Appender commit. Data points it cannot store
// are reported back the OTLP way, as a partial success.
import type { Storage } from '../../storage/types.js';
import { IngestBatch, type IngestSummary } from '../batch.js';
import { IngestInputError, type IngestLimits, resolveLimits } from '../limits.js';
import type { IngestStats } from '../stats.js';
import { utf8Text } from '../utf8.js';
import { ExportMetricsServiceRequest, ExportMetricsServiceResponse } from './schema.js';
import { DeltaState, type OtlpRequest, translateOtlp } from './translate.js';

export type OtlpEncoding = 'protobuf' | 'json';

export interface OtlpResult {
  readonly summary: IngestSummary;
  readonly rejectedDataPoints: number;
  readonly errorMessage: string;
}

export interface OtlpReceiverOptions {
  readonly limits?: Partial<IngestLimits>;
  readonly stats?: IngestStats;
}

export function decodeOtlp(body: Buffer, encoding: OtlpEncoding): OtlpRequest {
  if (encoding === 'json') {
    let obj: unknown;
    try {
      obj = JSON.parse(utf8Text(body));
    } catch (err) {
      throw new IngestInputError(`OTLP JSON: ${(err as Error).message}`);
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      throw new IngestInputError('OTLP JSON: the body must be an ExportMetricsServiceRequest object');
    }
    const rm = (obj as OtlpRequest).resourceMetrics;
    if (rm !== undefined && !Array.isArray(rm))
      throw new IngestInputError('OTLP JSON: "resourceMetrics" must be an array');
    return obj as OtlpRequest;
  }
  try {
    const msg = ExportMetricsServiceRequest.decode(body);
    return ExportMetricsServiceRequest.toObject(msg, {
      longs: String,
      enums: Number,
      bytes: String,
    }) as OtlpRequest;
  } catch (err) {
    throw new IngestInputError(`OTLP protobuf: ${(err as Error).message}`);
  }
}

/** The response body: empty on full success, partial_success otherwise. */
export function encodeOtlpResponse(result: OtlpResult, encoding: OtlpEncoding): Buffer | string {
  const partial =
    result.rejectedDataPoints > 0
      ? {
          partialSuccess: {
            rejectedDataPoints: result.rejectedDataPoints,
            errorMessage: result.errorMessage,
          },
        }
      : {};
  if (encoding === 'json') return JSON.stringify(partial);
  const msg = ExportMetricsServiceResponse.fromObject(partial);
  return Buffer.from(ExportMetricsServiceResponse.encode(msg).finish());
}

export class OtlpReceiver {
  private readonly deltas = new DeltaState();
  private readonly limits: IngestLimits;

  constructor(
    private readonly storage: Storage,
    private readonly options: OtlpReceiverOptions = {},
  ) {
    this.limits = resolveLimits(options.limits);
  }

  /** Decodes, translates and commits one request (already decompressed). */
  async receive(body: Buffer, encoding: OtlpEncoding): Promise<OtlpResult> {
    const req = decodeOtlp(body, encoding);
    const batch = new IngestBatch(this.storage, {
      limits: this.limits,
      path: 'otlp',
      stats: this.options.stats,
    });
    let translated: ReturnType<typeof translateOtlp>;
    try {
      translated = translateOtlp(req, batch, this.deltas);
    } catch (err) {
      batch.rollback();
      if (err instanceof TypeError)
        throw new IngestInputError(`OTLP: unexpected message shape: ${err.message}`);
      // Attribute values (kvlist/array) are rendered recursively; a hostile depth overflows the stack.
      if (err instanceof RangeError)
        throw new IngestInputError(`OTLP: attribute values nested too deeply (${err.message})`);
      throw err;
    }
    const summary = await batch.commit();
    const invalid = summary.rejectedTotal - translated.rejectedPoints;
    return {
      summary,
      rejectedDataPoints: summary.rejectedTotal,
      errorMessage:
        translated.firstError ||
        (invalid > 0 ? (summary.rejected[0]?.reason ?? 'samples rejected by the store') : ''),
    };
  }
}
