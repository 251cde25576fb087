// The JSON-lines import format, one sample per line:
//   {"labels":{"__name__":"http_requests_total","job":"api"},"t":1700000000000,"v":42}
// `t` is Unix time in integer milliseconds. `v` is a number, or one of the
// strings "NaN", "+Inf", "-Inf" (JSON has no such numbers). A native
// histogram sample has `h` instead of `v`: {"schema","zeroThreshold",
// "zeroCount","count","sum","positive":{"offset","counts"},"negative":{...}}.
// Blank lines are skipped; anything else malformed is rejected with its line.
import type { HistogramSample, Labels } from '../storage/types.js';
import type { IngestBatch } from './batch.js';
import { LineSplitter } from './lines.js';
import { parseSampleValue } from './text-parser.js';

function labelsOf(raw: unknown, cache: Map<string, Labels>): Labels | string {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return '"labels" must be an object';
  let key = '';
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') return `label "${k}" must be a string`;
    key += `${k}\u0000${v}\u0001`;
  }
  let labels = cache.get(key);
  if (!labels) {
    const clean: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw as Record<string, string>)) if (v !== '') clean[k] = v;
    labels = clean;
    if (cache.size >= 1_000_000) cache.clear();
    cache.set(key, labels);
  }
  return labels;
}

function sampleValueOf(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string') return parseSampleValue(raw);
  return undefined;
}

function isRun(r: unknown): boolean {
  const run = r as { offset?: unknown; counts?: unknown };
  return (
    typeof r === 'object' &&
    r !== null &&
    Number.isInteger(run.offset) &&
    Array.isArray(run.counts) &&
    run.counts.every((c) => typeof c === 'number')
  );
}

export function histogramOf(raw: unknown): HistogramSample | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const h = raw as Record<string, unknown>;
  for (const k of ['schema', 'zeroThreshold', 'zeroCount', 'count', 'sum'])
    if (typeof h[k] !== 'number') return undefined;
  if (!isRun(h.positive) || !isRun(h.negative)) return undefined;
  return h as unknown as HistogramSample;
}

export function createJsonlImporter(batch: IngestBatch): { write(chunk: string): void; end(): void } {
  const cache = new Map<string, Labels>();
  return new LineSplitter((line, n) => {
    if (line.trim() === '') return;
    let obj: { labels?: unknown; t?: unknown; v?: unknown; h?: unknown };
    try {
      obj = JSON.parse(line);
    } catch (err) {
      batch.reject(n, `not JSON: ${(err as Error).message}`);
      return;
    }
    if (obj === null || typeof obj !== 'object') {
      batch.reject(n, 'a line must be a JSON object');
      return;
    }
    const labels = labelsOf(obj.labels, cache);
    if (typeof labels === 'string') {
      batch.reject(n, labels);
      return;
    }
    if (typeof obj.t !== 'number' || !Number.isSafeInteger(obj.t)) {
      return batch.reject(n, '"t" must be an integer timestamp in milliseconds');
    }
    if (obj.h !== undefined) {
      const h = histogramOf(obj.h);
      if (!h) {
        batch.reject(n, '"h" is not a histogram sample');
        return;
      }
      batch.addHistogram(labels, obj.t, h, n);
      return;
    }
    const v = sampleValueOf(obj.v);
    if (v === undefined) {
      batch.reject(n, '"v" must be a number or "NaN", "+Inf", "-Inf"');
      return;
    }
    batch.add(labels, obj.t, v, n);
  });
}
