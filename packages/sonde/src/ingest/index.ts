// The ingest stage: everything that turns outside data into appends on the
// Storage seam. Routes live in api/ingest/; this is what they (and the CLI)
// use.
export {
  TextParser,
  familyOf,
  parseText,
  parseSampleValue,
  parseSecondsTimestamp,
  type ParsedSample,
  type ParsedText,
  type TextFormat,
  type TextParserOptions,
  type TextSampleSink,
} from './text-parser.js';
export {
  formatMetadata,
  formatSample,
  formatSeconds,
  formatSeries,
  formatValue,
  escapeLabelValue,
} from './exposition.js';
export {
  IngestBatch,
  checkLabels,
  type BatchOptions,
  type IngestSummary,
  type RejectedLine,
} from './batch.js';
export {
  IMPORT_FORMATS,
  ImportCaches,
  createImporter,
  detectFormat,
  importStream,
  importText,
  type ImportFormat,
  type ImportOptions,
  type StreamImportOptions,
} from './import.js';
export {
  DEFAULT_INGEST_LIMITS,
  IngestInputError,
  IngestLimitError,
  limitsFromConfig,
  resolveLimits,
  type IngestConfigSection,
  type IngestLimits,
} from './limits.js';
export { REDACTED, redactValue } from './redact.js';
export { IngestStats, type RejectReason } from './stats.js';
export { snappyCompress, snappyUncompress } from './snappy.js';
export { invalidUtf8At, utf8Text } from './utf8.js';
export { RemoteWriteReceiver, type RemoteWriteOptions } from './remote-write/receive.js';
export { WriteRequestDecoder, type WriteRequestSink } from './remote-write/decode.js';
export { WriteRequestType } from './remote-write/schema.js';
export {
  OtlpReceiver,
  decodeOtlp,
  encodeOtlpResponse,
  type OtlpEncoding,
  type OtlpReceiverOptions,
  type OtlpResult,
} from './otlp/receive.js';
export { ExportMetricsServiceRequest, ExportMetricsServiceResponse } from './otlp/schema.js';
export { labelName as otlpLabelName, metricName as otlpMetricName } from './otlp/names.js';
export { parsePushBody, pushSchema, storePush, type PushBody, type PushOptions } from './push.js';
