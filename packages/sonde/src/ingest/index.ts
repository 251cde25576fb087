// The ingest stage: everything that turns outside data into appends on the
// Storage seam. Routes live in api/ingest/; this is what they (and the CLI)
// use.
export {
  TextParser,
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
