// The Prometheus text format 0.0.4 and OpenMetrics 1.0 parser: line by line,
// no regexes on the hot path, one Labels object per distinct series (cached
// by the series' text), and every malformed line reported with its number
// and reason instead of thrown.
//
// Accepted, in both formats: `# HELP`, `# TYPE`, `# UNIT`, other comments
// (ignored), blank lines (ignored), spaces or tabs between tokens, a trailing
// comma in the label set, values NaN / +Inf / -Inf (any case) and decimals,
// exemplars after the value (` # {...} v [ts]`, skipped). Timestamps are
// integer milliseconds in the Prometheus format and (fractional) seconds in
// OpenMetrics, truncated to the millisecond as the exact decimal (1.0019 s →
// 1001 ms). OpenMetrics input must end with `# EOF`; lines after it are
// rejected. A stale marker cannot be written: a NaN value is a plain NaN.
import type { Labels, MetricMetadata, MetricType } from '../storage/types.js';
import { SeriesEntry } from './series-entry.js';

export type TextFormat = 'prometheus' | 'openmetrics';

export interface TextSampleSink {
  /** `t` is in ms, or NaN when the line carries no timestamp; `entry` is the parser's cache entry for the series. */
  sample(labels: Labels, value: number, t: number, line: number, entry: SeriesEntry): void;
  /** A rejected line; parsing goes on with the next line. */
  error(line: number, reason: string): void;
}

interface MutableMetadata {
  type: MetricType;
  help: string;
  unit: string;
}

const PROM_TYPES: Record<string, MetricType> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  untyped: 'unknown',
};
const OM_TYPES: Record<string, MetricType> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  gaugehistogram: 'gaugehistogram',
  summary: 'summary',
  info: 'info',
  stateset: 'stateset',
  unknown: 'unknown',
};

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const HASH = 0x23;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const COMMA = 0x2c;
const EQUALS = 0x3d;

/** [a-zA-Z_] */
function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}
/** [a-zA-Z0-9_] */
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39);
}
/** [a-zA-Z_:] and [a-zA-Z0-9_:] for metric names. */
function isMetricStart(c: number): boolean {
  return isNameStart(c) || c === 0x3a;
}
function isMetricChar(c: number): boolean {
  return isNameChar(c) || c === 0x3a;
}
function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

/** Parses a sample value token as Go's ParseFloat would; undefined when malformed. */
export function parseSampleValue(tok: string): number | undefined {
  let plain = tok.length > 0;
  for (let i = 0; i < tok.length && plain; i++) {
    const c = tok.charCodeAt(i);
    // 0-9 . e E + -
    plain = (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
  }
  if (plain) {
    const v = Number(tok);
    return Number.isNaN(v) ? undefined : v;
  }
  switch (tok.toLowerCase()) {
    case 'nan':
    case '+nan':
    case '-nan':
      return Number.NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Number.POSITIVE_INFINITY;
    case '-inf':
    case '-infinity':
      return Number.NEGATIVE_INFINITY;
  }
  return undefined;
}

/** The unsigned integer written in s[from, to) when it is only digits and exact in a double, else -1 (no slicing). */
function digitsAt(s: string, from: number, to: number): number {
  if (to - from > 15) return -1;
  let x = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return -1;
    x = x * 10 + c;
  }
  return x;
}

function parseMsTimestamp(tok: string): number | undefined {
  let i = tok.charCodeAt(0) === 0x2d || tok.charCodeAt(0) === 0x2b ? 1 : 0;
  if (i === tok.length) return undefined;
  for (; i < tok.length; i++) {
    const c = tok.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  const t = Number(tok);
  return Number.isSafeInteger(t) ? t : undefined;
}

/** Seconds (OpenMetrics) to ms, truncating the exact decimal; exponents go through a float. */
export function parseSecondsTimestamp(tok: string): number | undefined {
  let i = 0;
  let neg = false;
  const c0 = tok.charCodeAt(0);
  if (c0 === 0x2d || c0 === 0x2b) {
    neg = c0 === 0x2d;
    i = 1;
  }
  let whole = 0;
  let frac = 0;
  let fracDigits = 0;
  let digits = 0;
  let seenDot = false;
  for (; i < tok.length; i++) {
    const c = tok.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      digits++;
      if (!seenDot) whole = whole * 10 + (c - 0x30);
      else if (fracDigits < 3) {
        frac = frac * 10 + (c - 0x30);
        fracDigits++;
      }
    } else if (c === 0x2e && !seenDot) seenDot = true;
    else if (c === 0x65 || c === 0x45) {
      const f = Number(tok);
      if (!Number.isFinite(f)) return undefined;
      const ms = Math.trunc(f * 1000);
      return Number.isSafeInteger(ms) ? ms : undefined;
    } else return undefined;
  }
  if (digits === 0) return undefined;
  while (fracDigits < 3) {
    frac *= 10;
    fracDigits++;
  }
  const ms = whole * 1000 + frac;
  if (!Number.isSafeInteger(ms)) return undefined;
  return neg ? -ms : ms;
}

/** Undoes `\\`, `\n` and (when `quotes`) `\"`; any other backslash stays as written, as in Prometheus. */
function unescapeText(s: string, from: number, to: number, quotes: boolean): string {
  let out = '';
  let run = from;
  for (let i = from; i < to; i++) {
    if (s.charCodeAt(i) !== BACKSLASH || i + 1 >= to) continue;
    const n = s.charCodeAt(i + 1);
    let rep: string | undefined;
    if (n === BACKSLASH) rep = '\\';
    else if (n === 0x6e) rep = '\n';
    else if (n === QUOTE && quotes) rep = '"';
    if (rep === undefined) continue;
    out += s.slice(run, i) + rep;
    i++;
    run = i + 1;
  }
  return run === from ? s.slice(from, to) : out + s.slice(run, to);
}

/**
 * A copy of a string that does not keep the text it was cut from alive: V8's
 * slices of 13 characters or more point into their parent, so labels kept in a
 * cache (or by the store) would hold whole request bodies and scrapes in memory.
 */
function own(s: string): string {
  return s.length < 13 ? s : ` ${s}`.slice(1);
}

class LineError extends Error {}

function fail(reason: string): never {
  throw new LineError(reason);
}

/** A bad token as quoted in a reason: a megabyte of junk must not come back in every answer and log. */
function shown(tok: string): string {
  return tok.length > 64 ? `${tok.slice(0, 64)}…` : tok;
}

export interface TextParserOptions {
  /** Distinct series kept in the text → labels cache; it is cleared when full. */
  readonly maxCachedSeries?: number;
  /** A series text → entry cache to share between parsers (requests), so a series keeps one entry. */
  readonly labelCache?: Map<string, SeriesEntry>;
}

/** A streaming parser: feed text with `write`, then call `end`. */
export class TextParser {
  /** HELP/TYPE/UNIT seen so far, by metric family name. */
  readonly metadata = new Map<string, MetricMetadata>();
  private readonly types: Record<string, MetricType>;
  private readonly cache: Map<string, SeriesEntry>;
  /** The series of the last sample line. */
  private last: SeriesEntry | null = null;
  private readonly maxCached: number;
  private lineNo = 0;
  private rest = '';
  private eof = false;
  private afterEofReported = false;

  constructor(
    readonly format: TextFormat,
    private readonly sink: TextSampleSink,
    options: TextParserOptions = {},
  ) {
    this.types = format === 'openmetrics' ? OM_TYPES : PROM_TYPES;
    this.maxCached = options.maxCachedSeries ?? 200_000;
    this.cache = options.labelCache ?? new Map();
  }

  /** The number of the last line parsed (1-based). */
  get line(): number {
    return this.lineNo;
  }

  /** Feeds text; a line may be split across calls. */
  write(chunk: string): void {
    const text = chunk;
    let start = 0;
    if (this.rest) {
      const nl = chunk.indexOf('\n');
      if (nl < 0) {
        this.rest += chunk;
        return;
      }
      this.parseLine(this.rest + chunk.slice(0, nl), 0, this.rest.length + nl);
      this.rest = '';
      start = nl + 1;
    }
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.parseLine(text, start, nl);
      start = nl + 1;
    }
    if (start < text.length) this.rest = text.slice(start);
  }

  /** Ends the input: parses a last unterminated line and checks OpenMetrics's `# EOF`. */
  end(): void {
    if (this.rest) {
      const r = this.rest;
      this.rest = '';
      this.parseLine(r, 0, r.length);
    }
    if (this.format === 'openmetrics' && !this.eof)
      this.sink.error(this.lineNo + 1, 'missing "# EOF" at the end');
  }

  /** Parses a whole text (write + end). */
  parse(text: string): void {
    this.write(text);
    this.end();
  }

  private parseLine(s: string, start: number, end: number): void {
    this.lineNo++;
    if (end > start && s.charCodeAt(end - 1) === CR) end--;
    let i = start;
    while (i < end && isBlank(s.charCodeAt(i))) i++;
    if (this.eof) {
      if (i < end && !this.afterEofReported) {
        this.afterEofReported = true;
        this.sink.error(this.lineNo, 'content after "# EOF"');
      }
      return;
    }
    if (i === end) return;
    try {
      if (s.charCodeAt(i) === HASH) this.comment(s, i + 1, end);
      else this.sampleLine(s, i, end);
    } catch (err) {
      if (!(err instanceof LineError)) throw err;
      this.sink.error(this.lineNo, err.message);
    }
  }

  private comment(s: string, i: number, end: number): void {
    while (i < end && isBlank(s.charCodeAt(i))) i++;
    let w = i;
    while (w < end && !isBlank(s.charCodeAt(w))) w++;
    const word = s.slice(i, w);
    if (word === 'EOF') {
      if (this.format === 'openmetrics') this.eof = true;
      return;
    }
    if (word !== 'HELP' && word !== 'TYPE' && word !== 'UNIT') return;
    i = w;
    while (i < end && isBlank(s.charCodeAt(i))) i++;
    const nameStart = i;
    if (i === end || !isMetricStart(s.charCodeAt(i))) fail(`# ${word} needs a metric name`);
    while (i < end && isMetricChar(s.charCodeAt(i))) i++;
    const name = s.slice(nameStart, i);
    if (i < end && !isBlank(s.charCodeAt(i))) fail(`invalid character in metric name after "${name}"`);
    while (i < end && isBlank(s.charCodeAt(i))) i++;
    let textEnd = end;
    if (word !== 'HELP') while (textEnd > i && isBlank(s.charCodeAt(textEnd - 1))) textEnd--;
    const meta = this.meta(name);
    if (word === 'HELP') {
      const help = unescapeText(s, i, textEnd, this.format === 'openmetrics');
      if (help !== meta.help) meta.help = own(help);
    } else if (word === 'UNIT') {
      const unit = s.slice(i, textEnd);
      if (unit !== meta.unit) meta.unit = own(unit);
    } else {
      const t = this.types[s.slice(i, textEnd)];
      if (!t) fail(`unknown metric type "${s.slice(i, textEnd)}" for ${name}`);
      meta.type = t;
    }
  }

  private meta(name: string): MutableMetadata {
    let m = this.metadata.get(name) as MutableMetadata | undefined;
    if (!m) {
      m = { type: 'unknown', help: '', unit: '' };
      this.metadata.set(own(name), m);
    }
    return m;
  }

  private sampleLine(s: string, start: number, end: number): void {
    let entry: SeriesEntry | undefined;
    let nameEnd = start;
    let seriesEnd = start;
    // The series that followed the last line's series last time, compared in place: a whole
    // cached series text followed by a blank is exactly what the scan below would find.
    const guess = this.last === null ? null : this.last.next;
    if (guess !== null) {
      const e = start + guess.key.length;
      if (e < end && isBlank(s.charCodeAt(e)) && s.startsWith(guess.key, start)) {
        entry = guess;
        seriesEnd = e;
      }
    }
    if (entry === undefined) {
      let i = start;
      if (!isMetricStart(s.charCodeAt(i))) fail('a sample line must start with a metric name');
      while (i < end && isMetricChar(s.charCodeAt(i))) i++;
      nameEnd = i;
      seriesEnd = i;
      if (i < end && s.charCodeAt(i) === LBRACE) {
        // Find the closing brace, honouring quotes and escapes.
        let j = i + 1;
        let inQuote = false;
        for (; j < end; j++) {
          const c = s.charCodeAt(j);
          if (inQuote) {
            if (c === BACKSLASH) j++;
            else if (c === QUOTE) inQuote = false;
          } else if (c === QUOTE) inQuote = true;
          else if (c === RBRACE) break;
        }
        if (j >= end) fail(inQuote ? 'unterminated label value' : 'missing "}" after labels');
        seriesEnd = j + 1;
      }
      const key = s.slice(start, seriesEnd);
      entry = this.cache.get(key);
      if (entry === undefined) {
        entry = new SeriesEntry(this.parseLabels(s, start, nameEnd, seriesEnd));
        entry.key = own(key);
        if (this.cache.size >= this.maxCached) this.cache.clear();
        this.cache.set(entry.key, entry);
      }
    }
    if (this.last !== null) this.last.next = entry;
    this.last = entry;
    let i = seriesEnd;
    if (i === end || !isBlank(s.charCodeAt(i))) {
      fail(
        i === end
          ? 'missing value'
          : `unexpected character after ${seriesEnd === nameEnd ? 'metric name' : 'labels'}`,
      );
    }
    while (i < end && isBlank(s.charCodeAt(i))) i++;
    let vEnd = i;
    while (vEnd < end && !isBlank(s.charCodeAt(vEnd))) vEnd++;
    if (vEnd === i) fail('missing value');
    let value = digitsAt(s, i, vEnd);
    if (value < 0) {
      const vTok = s.slice(i, vEnd);
      const parsed = parseSampleValue(vTok);
      if (parsed === undefined) fail(`invalid value "${shown(vTok)}"`);
      value = parsed;
    }
    i = vEnd;
    while (i < end && isBlank(s.charCodeAt(i))) i++;
    let t = Number.NaN;
    if (i < end && s.charCodeAt(i) !== HASH) {
      let tEnd = i;
      while (tEnd < end && !isBlank(s.charCodeAt(tEnd))) tEnd++;
      const ms = this.format === 'openmetrics' ? -1 : digitsAt(s, i, tEnd);
      if (ms >= 0) t = ms;
      else {
        const tTok = s.slice(i, tEnd);
        const ts = this.format === 'openmetrics' ? parseSecondsTimestamp(tTok) : parseMsTimestamp(tTok);
        if (ts === undefined) fail(`invalid timestamp "${shown(tTok)}"`);
        t = ts;
      }
      i = tEnd;
      while (i < end && isBlank(s.charCodeAt(i))) i++;
    }
    // Anything left must be an exemplar (` # {...} value [ts]`), which is skipped.
    if (i < end && s.charCodeAt(i) !== HASH)
      fail(`unexpected text after ${Number.isNaN(t) ? 'value' : 'timestamp'}`);
    this.sink.sample(entry.labels, value, t, this.lineNo, entry);
  }

  private parseLabels(s: string, start: number, nameEnd: number, seriesEnd: number): Labels {
    const labels: Record<string, string> = { __name__: own(s.slice(start, nameEnd)) };
    if (seriesEnd === nameEnd) return labels;
    let i = nameEnd + 1;
    const end = seriesEnd - 1;
    for (;;) {
      while (i < end && isBlank(s.charCodeAt(i))) i++;
      if (i >= end) break;
      const ln = i;
      if (!isNameStart(s.charCodeAt(i))) fail(`invalid label name at column ${i - start + 1}`);
      while (i < end && isNameChar(s.charCodeAt(i))) i++;
      const name = own(s.slice(ln, i));
      while (i < end && isBlank(s.charCodeAt(i))) i++;
      if (s.charCodeAt(i) !== EQUALS) fail(`expected "=" after label name "${name}"`);
      i++;
      while (i < end && isBlank(s.charCodeAt(i))) i++;
      if (s.charCodeAt(i) !== QUOTE) fail(`expected a quoted value for label "${name}"`);
      const vs = ++i;
      let escaped = false;
      while (i < end && s.charCodeAt(i) !== QUOTE) {
        if (s.charCodeAt(i) === BACKSLASH) {
          escaped = true;
          i++;
        }
        i++;
      }
      if (i >= end) fail(`unterminated value for label "${name}"`);
      const value = own(escaped ? unescapeText(s, vs, i, true) : s.slice(vs, i));
      i++;
      if (Object.hasOwn(labels, name)) fail(`duplicate label "${name}"`);
      labels[name] = value;
      while (i < end && isBlank(s.charCodeAt(i))) i++;
      if (i >= end) break;
      if (s.charCodeAt(i) !== COMMA) fail(`expected "," or "}" after the value of label "${name}"`);
      i++;
    }
    for (const k in labels) if (labels[k] === '') delete labels[k];
    return labels;
  }
}

const FAMILY_SUFFIXES = ['_total', '_bucket', '_count', '_sum', '_created', '_info', '_gcount', '_gsum'];

/**
 * The metric family a sample name belongs to, with its type, given the
 * metadata parsed so far: `http_requests_total` → `http_requests` when that
 * family was declared, else the name itself with type unknown.
 */
export function familyOf(
  name: string,
  metadata: ReadonlyMap<string, MetricMetadata>,
): { family: string; type: MetricType } {
  const exact = metadata.get(name);
  if (exact) return { family: name, type: exact.type };
  for (const suffix of FAMILY_SUFFIXES) {
    if (!name.endsWith(suffix)) continue;
    const family = name.slice(0, -suffix.length);
    const meta = metadata.get(family);
    if (meta) return { family, type: meta.type };
  }
  return { family: name, type: 'unknown' };
}

export interface ParsedSample {
  readonly labels: Labels;
  readonly value: number;
  /** ms, or NaN when the line had none. */
  readonly t: number;
  readonly line: number;
}

export interface ParsedText {
  readonly samples: ParsedSample[];
  readonly metadata: ReadonlyMap<string, MetricMetadata>;
  readonly errors: { line: number; reason: string }[];
}

/** Parses a whole exposition into arrays: convenient for tests and small inputs. */
export function parseText(text: string, format: TextFormat): ParsedText {
  const samples: ParsedSample[] = [];
  const errors: { line: number; reason: string }[] = [];
  const parser = new TextParser(format, {
    sample: (labels, value, t, line) => void samples.push({ labels, value, t, line }),
    error: (line, reason) => void errors.push({ line, reason }),
  });
  parser.parse(text);
  return { samples, metadata: parser.metadata, errors };
}
