// The JSON file `sonde bench` writes and `sonde compare` reads.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { RunMeasurement } from './run-measured.js';

export const BENCH_FORMAT = 'sonde-bench/1';

const runSchema = z.object({
  wallSeconds: z.number().nonnegative(),
  cpuSeconds: z.number().nonnegative().nullable(),
  peakRssBytes: z.number().nonnegative().nullable(),
  exitCode: z.number().int().nullable(),
});

export const benchFileSchema = z.object({
  format: z.literal(BENCH_FORMAT),
  command: z.array(z.string()).min(1),
  startedAt: z.string(),
  host: z.object({ hostname: z.string(), platform: z.string(), cpus: z.number(), node: z.string() }),
  warmup: z.number().int().nonnegative(),
  runs: z.array(runSchema).min(1),
});

export type BenchFile = z.infer<typeof benchFileSchema>;
export type { RunMeasurement };

export async function readBenchFile(path: string): Promise<BenchFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is not JSON: ${(err as Error).message}`);
  }
  const parsed = benchFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${path} is not a sonde bench file: ${issue.path.join('.') || '(top level)'}: ${issue.message}`,
    );
  }
  return parsed.data;
}
