// `sonde import`: backfill files with explicit timestamps into a store that
// is not running, as `promtool tsdb create-blocks-from openmetrics` does.
// Formats: openmetrics, prometheus (text 0.0.4, timestamps in ms), jsonl
// (one {"labels":{...},"t":ms,"v":num} per line) and csv (a header naming
// timestamp, metric, value and label columns); see ingest/jsonl.ts and
// ingest/csv.ts. Without --format, the format comes from the file name or
// its first bytes. Exit code 0 when every line was imported, 1 when some
// were rejected (listed with line numbers and reasons), 3 on I/O failure.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import {
  IMPORT_FORMATS,
  type ImportFormat,
  type IngestSummary,
  detectFormat,
  importStream,
} from '../../ingest/index.js';
import { openStorage } from '../../storage/index.js';
import type { Storage } from '../../storage/types.js';
import { EXIT } from '../exit-codes.js';

export type StorageOpener = (dataDir: string) => Promise<Storage>;

/** Opens the embedded store in `dataDir` (samples older than its raw retention are refused as too old). */
export const openEmbeddedStore: StorageOpener = (dataDir) => openStorage({ dir: dataDir });

export interface ImportRun {
  readonly files: readonly string[];
  readonly dataDir: string;
  readonly format?: ImportFormat;
  readonly json?: boolean;
  readonly opener: StorageOpener;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

const fmt = new Intl.NumberFormat('en-US');

function iso(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString();
}

/** A one-line progress bar, redrawn at most ten times a second. */
function progressBar(out: ImportRun['stderr'], label: string, total: number) {
  let last = 0;
  const started = Date.now();
  return {
    update(bytes: number, samples: number, force = false) {
      const now = Date.now();
      if (!force && now - last < 100) return;
      last = now;
      const frac = total > 0 ? Math.min(1, bytes / total) : 1;
      const width = Math.max(10, Math.min(30, (out.columns ?? 80) - 60));
      const filled = Math.round(frac * width);
      const rate = samples / Math.max(0.001, (now - started) / 1000);
      out.write(
        `\r${label.slice(0, 20).padEnd(20)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(
          frac * 100
        )
          .toFixed(0)
          .padStart(3)}% ${fmt.format(samples)} samples ${fmt.format(Math.round(rate))}/s   `,
      );
    },
    done() {
      out.write('\n');
    },
  };
}

async function sniff(file: string): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

function report(out: NodeJS.WritableStream, file: string, format: ImportFormat, s: IngestSummary): void {
  out.write(
    `${file} (${format}): ${fmt.format(s.series)} series, ${fmt.format(s.samples)} samples, ` +
      `${iso(s.minTime)} .. ${iso(s.maxTime)}\n`,
  );
  const st = s.storage;
  if (st.outOfOrder || st.duplicate || st.tooOld || st.invalid) {
    out.write(
      `  refused by the store: ${st.outOfOrder} out of order, ${st.duplicate} duplicate, ${st.tooOld} too old, ${st.invalid} invalid\n`,
    );
  }
  if (s.rejected.length) {
    const lines = s.rejectedTotal - st.outOfOrder - st.duplicate - st.tooOld - st.invalid;
    out.write(`  rejected ${fmt.format(lines)} line(s):\n`);
    for (const r of s.rejected) out.write(`    line ${r.line}: ${r.reason}\n`);
    if (lines > s.rejected.length) out.write(`    ... and ${fmt.format(lines - s.rejected.length)} more\n`);
  }
}

/** Imports each file in turn; resolves to the exit code. */
export async function runImport(run: ImportRun): Promise<number> {
  const storage = await run.opener(run.dataDir);
  let rejected = false;
  const results: { file: string; format: ImportFormat; summary: IngestSummary }[] = [];
  try {
    for (const file of run.files) {
      const size = (await stat(file)).size;
      const format = run.format ?? detectFormat(file, await sniff(file));
      const bar = run.stderr.isTTY && !run.json ? progressBar(run.stderr, basename(file), size) : undefined;
      const summary = await importStream(storage, createReadStream(file, { highWaterMark: 1 << 20 }), {
        format,
        // Files carry their own timestamps; a bad line is reported, not fatal.
        limits: { maxRejectedReported: 20 },
        onProgress: (bytes, samples) => bar?.update(bytes, samples),
      });
      if (bar) {
        bar.update(size, summary.samples, true);
        bar.done();
      }
      if (summary.rejectedTotal > 0) rejected = true;
      results.push({ file, format, summary });
      if (!run.json) report(run.stdout, file, format, summary);
    }
  } finally {
    await storage.close();
  }
  if (run.json) run.stdout.write(`${JSON.stringify(results)}\n`);
  return rejected ? EXIT.finding : EXIT.ok;
}

interface ImportFlags {
  dataDir?: string;
  format?: string;
  json?: boolean;
}

export function registerImport(
  program: Command,
  opener: StorageOpener = openEmbeddedStore,
  io: Pick<ImportRun, 'stdout' | 'stderr'> = { stdout: process.stdout, stderr: process.stderr },
): void {
  program
    .command('import')
    .description(
      'backfill files with explicit timestamps into a stopped store (openmetrics, prometheus, jsonl, csv)',
    )
    .argument('<file...>', 'files to import, in order')
    .option('--data-dir <dir>', 'the store to import into (env SONDE_DATA_DIR; default ./data)')
    .option(
      '--format <format>',
      `one of ${IMPORT_FORMATS.join(', ')} (default: from the file name or content)`,
    )
    .option('--json', 'print the summary as JSON')
    .action(async (files: string[], flags: ImportFlags) => {
      if (flags.format !== undefined && !(IMPORT_FORMATS as readonly string[]).includes(flags.format)) {
        process.stderr.write(`sonde: --format must be one of ${IMPORT_FORMATS.join(', ')}\n`);
        process.exit(EXIT.usage);
      }
      let code: number;
      try {
        code = await runImport({
          files,
          dataDir: flags.dataDir ?? process.env.SONDE_DATA_DIR ?? './data',
          format: flags.format as ImportFormat | undefined,
          json: flags.json,
          opener,
          ...io,
        });
      } catch (err) {
        process.stderr.write(`sonde import: ${(err as Error).message}\n`);
        process.exit(EXIT.runtime);
      }
      process.exitCode = code;
    });
}

export default function register(program: Command): void {
  registerImport(program);
}
