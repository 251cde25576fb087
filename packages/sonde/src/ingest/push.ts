// The SDK's push format, POST /api/sonde/v1/push (application/json, gzip allowed):
//   { "labels": {"job": "api", "instance": "host-1"},          // added to every series, replacing its own
//     "metadata": {"http_requests_total": {"type": "counter", "help": "...", "unit": ""}},
//     "series": [ { "labels": {"__name__": "http_requests_total", "code": "200"},
//                   "samples": [[1700000000000, 42], [1700000015000, "NaN"]],
//                   "histograms": [[1700000000000, {schema, zeroThreshold, zeroCount, count, sum,
//                                                   positive: {offset, counts}, negative: {offset, counts}}]] } ] }
// Timestamps are Unix ms; values are numbers or "NaN", "+Inf", "-Inf". The
// body is validated with zod; errors name the path of the offending field.
import { z } from 'zod';
import type { HistogramSample, Storage } from '../storage/types.js';
import { IngestBatch, type IngestSummary } from './batch.js';
import { IngestInputError, type IngestLimits } from './limits.js';
import type { IngestStats } from './stats.js';

const value = z.union([z.number(), z.enum(['NaN', '+Inf', '-Inf', 'Inf'])]);
const time = z.number().int().refine(Number.isSafeInteger, 'timestamp must be a safe integer (Unix ms)');
const run = z.object({ offset: z.number().int(), counts: z.array(z.number().nonnegative()) });
const histogram = z.object({
  schema: z.number().int().min(-4).max(8),
  zeroThreshold: z.number().nonnegative(),
  zeroCount: z.number().nonnegative(),
  count: z.number().nonnegative(),
  sum: z.number(),
  positive: run.default({ offset: 0, counts: [] }),
  negative: run.default({ offset: 0, counts: [] }),
});
const metricType = z.enum([
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
  'unknown',
]);

export const pushSchema = z.object({
  labels: z.record(z.string(), z.string()).optional(),
  metadata: z
    .record(
      z.string(),
      z.object({ type: metricType, help: z.string().default(''), unit: z.string().default('') }),
    )
    .optional(),
  series: z.array(
    z.object({
      labels: z.record(z.string(), z.string()),
      samples: z.array(z.tuple([time, value])).optional(),
      histograms: z.array(z.tuple([time, histogram])).optional(),
    }),
  ),
});

export type PushBody = z.infer<typeof pushSchema>;

function toNumber(v: number | string): number {
  if (typeof v === 'number') return v;
  return v === 'NaN' ? Number.NaN : v === '-Inf' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}

function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 5).map((i) => {
    const path = i.path.reduce<string>(
      (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
      '',
    );
    return `${path || '(body)'}: ${i.message}`;
  });
  const more = error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : '';
  return `invalid push body: ${shown.join('; ')}${more}`;
}

/** Validates a parsed JSON body; throws IngestInputError naming the bad fields. */
export function parsePushBody(json: unknown): PushBody {
  const r = pushSchema.safeParse(json);
  if (!r.success) throw new IngestInputError(describeIssues(r.error));
  return r.data;
}

export interface PushOptions {
  readonly limits: IngestLimits;
  readonly stats?: IngestStats;
}

/** Stores a validated push in one commit. */
export async function storePush(
  storage: Storage,
  body: PushBody,
  options: PushOptions,
): Promise<IngestSummary> {
  const batch = new IngestBatch(storage, {
    limits: options.limits,
    path: 'push',
    stats: options.stats,
    extraLabels: body.labels,
  });
  try {
    for (const [name, meta] of Object.entries(body.metadata ?? {})) batch.setMetadata(name, meta);
    for (const s of body.series) {
      for (const [t, v] of s.samples ?? []) batch.add(s.labels, t, toNumber(v));
      for (const [t, h] of s.histograms ?? []) batch.addHistogram(s.labels, t, h as HistogramSample);
    }
  } catch (err) {
    batch.rollback();
    throw err;
  }
  return batch.commit();
}
