// Import (backfill): files or request bodies with explicit timestamps, in
// OpenMetrics, Prometheus text, JSON lines or CSV, into a Storage. A request
// body is one commit; a file is committed in slices so that its size is not
// bounded by memory.
import type { Storage } from '../storage/types.js';
import type { Labels } from '../storage/types.js';
import { IngestBatch, type IngestSummary, PreparedLabelsCache } from './batch.js';
import { createCsvImporter } from './csv.js';
import { createJsonlImporter } from './jsonl.js';
import { IngestInputError, type IngestLimits, resolveLimits } from './limits.js';
import type { SeriesEntry } from './series-entry.js';
import type { IngestStats } from './stats.js';
import { TextParser } from './text-parser.js';

export const IMPORT_FORMATS = ['openmetrics', 'prometheus', 'jsonl', 'csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface Importer {
  write(chunk: string): void;
  end(): void;
}

/** Caches one import source keeps across requests, so each series is parsed and checked once. */
export class ImportCaches {
  readonly labels = new Map<string, SeriesEntry>();
  readonly prepared = new PreparedLabelsCache();
}

/** A streaming reader of `format` that appends what it reads to `batch`. */
export function createImporter(format: ImportFormat, batch: IngestBatch, caches?: ImportCaches): Importer {
  if (format === 'jsonl') return createJsonlImporter(batch);
  if (format === 'csv') return createCsvImporter(batch);
  const sink = {
    sample: (_labels: Labels, v: number, t: number, line: number, entry: SeriesEntry) =>
      void batch.addEntry(entry, t, v, line),
    error: (line: number, reason: string) => batch.reject(line, reason),
  };
  const parser = new TextParser(format, sink, { labelCache: caches?.labels });
  return {
    write: (chunk) => parser.write(chunk),
    end: () => {
      parser.end();
      for (const [name, meta] of parser.metadata) batch.setMetadata(name, meta);
    },
  };
}

/** The format a file is in, from its name, else from its first bytes. */
export function detectFormat(fileName: string, head: string): ImportFormat {
  const lower = fileName.toLowerCase();
  if (/\.(om|openmetrics)(\.txt)?$/.test(lower)) return 'openmetrics';
  if (/\.(jsonl|ndjson)$/.test(lower)) return 'jsonl';
  if (lower.endsWith('.csv')) return 'csv';
  if (/\.(prom|txt)$/.test(lower)) return head.includes('# EOF') ? 'openmetrics' : 'prometheus';
  const first = head.trimStart();
  if (first.startsWith('{')) return 'jsonl';
  if (/^[^\n#{]*timestamp[^\n]*,/.test(first)) return 'csv';
  return /(^|\n)# (UNIT|EOF)/.test(head) ? 'openmetrics' : 'prometheus';
}

export interface ImportOptions {
  readonly format: ImportFormat;
  readonly limits?: Partial<IngestLimits>;
  readonly stats?: IngestStats;
  /** Counter label for this path, default "import". */
  readonly path?: string;
  /** Timestamp for samples without one; without it they are rejected. */
  readonly defaultTime?: number;
  /** Caches kept by the caller across requests (text formats only). */
  readonly caches?: ImportCaches;
}

/** Imports a request body: one commit, per-request limits enforced (throws IngestLimitError). */
export async function importText(
  storage: Storage,
  text: string,
  options: ImportOptions,
): Promise<IngestSummary> {
  const batch = new IngestBatch(storage, {
    limits: resolveLimits(options.limits),
    path: options.path ?? 'import',
    stats: options.stats,
    defaultTime: options.defaultTime,
    shared: options.caches?.prepared,
  });
  try {
    const importer = createImporter(options.format, batch, options.caches);
    importer.write(text);
    importer.end();
  } catch (err) {
    batch.rollback();
    throw err;
  }
  return batch.commit();
}

export interface StreamImportOptions extends ImportOptions {
  /** Samples per commit (default 250,000). */
  readonly commitEvery?: number;
  /** Called after each chunk with the bytes read so far and the samples appended so far. */
  readonly onProgress?: (bytes: number, samples: number) => void;
}

/** Imports a stream of chunks (a file): committed in slices, no per-request limits. */
export async function importStream(
  storage: Storage,
  chunks: AsyncIterable<Buffer | string>,
  options: StreamImportOptions,
): Promise<IngestSummary> {
  const batch = new IngestBatch(storage, {
    limits: resolveLimits(options.limits),
    path: options.path ?? 'import',
    stats: options.stats,
    defaultTime: options.defaultTime,
    enforceRequestLimits: false,
  });
  const commitEvery = options.commitEvery ?? 250_000;
  const importer = createImporter(options.format, batch);
  // fatal: invalid UTF-8 is refused, never replaced by U+FFFD (as for request bodies).
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  let samples = 0;
  let lines = 1;
  const decode = (chunk: Buffer | undefined, from: number): string => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch {
      throw new IngestInputError(
        `not valid UTF-8 in line ${lines} or the next (bytes ${from}–${bytes}): metric names, label names and values must be UTF-8`,
      );
    }
  };
  const write = (text: string) => {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
    importer.write(text);
  };
  for await (const chunk of chunks) {
    const before = batch.pendingSamples;
    const from = bytes;
    if (typeof chunk === 'string') {
      bytes += Buffer.byteLength(chunk);
      write(chunk);
    } else {
      bytes += chunk.length;
      write(decode(chunk, from));
    }
    samples += batch.pendingSamples - before;
    if (batch.pendingSamples >= commitEvery) await batch.flush();
    options.onProgress?.(bytes, samples);
  }
  const tail = decode(undefined, bytes);
  if (tail) write(tail);
  importer.end();
  return batch.commit();
}
