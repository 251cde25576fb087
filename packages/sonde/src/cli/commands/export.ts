// `sonde export`: stream data out of a store (stopped or not) as CSV, JSON
// lines or OpenMetrics, one series at a time, with a progress bar.
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { type Command, InvalidArgumentError } from 'commander';
import { selectorMatchers } from '../../api/storage/index.js';
import { loadConfig } from '../../config/index.js';
import type { Matcher } from '../../storage/index.js';
import { openStorage } from '../../storage/index.js';
import { EXIT } from '../exit-codes.js';
import { EXPORT_FORMATS, type ExportFormat, exportSeries } from '../export/export-series.js';
import { createProgress } from '../progress.js';
import { parseTimeArg } from '../time-arg.js';

interface ExportFlags {
  from: string;
  to: string;
  match: string[];
  format: ExportFormat;
  dataDir?: string;
  config?: string;
}

export default function register(program: Command): void {
  program
    .command('export')
    .description(
      'stream data out of the store as csv, jsonl or openmetrics (readable by `sonde import` and promtool)',
    )
    .argument('<file>', 'where to write; - for standard output')
    .requiredOption('--from <time>', 'start: RFC 3339, Unix seconds, now, or relative like -1h')
    .option('--to <time>', 'end (default now)', 'now')
    .option(
      '--match <selector>',
      'series selector, e.g. node_load1 or {job="api"} (repeatable; default all)',
      (v: string, all: string[] = []) => [...all, v],
      [],
    )
    .option(
      '--format <format>',
      EXPORT_FORMATS.join('|'),
      (v: string) => {
        if (!EXPORT_FORMATS.includes(v as ExportFormat))
          throw new InvalidArgumentError(`format must be one of ${EXPORT_FORMATS.join(', ')}`);
        return v as ExportFormat;
      },
      'openmetrics',
    )
    .option('--data-dir <dir>', 'the data directory (env SONDE_DATA_DIR; default ./data)')
    .option('--config <file>', 'YAML config file (env SONDE_CONFIG)')
    .addHelpText(
      'after',
      '\nExample:\n  sonde export --from -24h --match \'{job="api"}\' --format csv api.csv',
    )
    .action(async (file: string, flags: ExportFlags) => {
      let fromMs: number;
      let toMs: number;
      let selectors: Matcher[][];
      try {
        fromMs = parseTimeArg(flags.from);
        toMs = parseTimeArg(flags.to);
        if (toMs < fromMs) throw new RangeError('--to is before --from');
        selectors = (flags.match.length ? flags.match : ['{__name__=~".+"}']).map(selectorMatchers);
      } catch (err) {
        process.stderr.write(`sonde export: ${(err as Error).message}\n`);
        process.exit(EXIT.usage);
      }
      const dataDir = loadConfig({ flags: { data_dir: flags.dataDir, config: flags.config } }).data_dir;
      const storage = await openStorage({ dir: dataDir, maintenanceIntervalMs: 0 });
      const out: Writable = file === '-' ? process.stdout : createWriteStream(file);
      const querier = storage.querier();
      try {
        let total = 0;
        for (const m of selectors)
          for (const _ of querier.select(m, fromMs, toMs, { labelsOnly: true })) total++;
        const progress = createProgress(total, `export ${flags.format}`);
        let series = 0;
        let samples = 0;
        for (const m of selectors) {
          const s = await exportSeries(querier, m, fromMs, toMs, flags.format, out, () => progress.tick());
          series += s.series;
          samples += s.samples;
        }
        progress.done();
        if (out !== process.stdout)
          await new Promise<void>((resolve, reject) =>
            out.end((err?: Error | null) => (err ? reject(err) : resolve())),
          );
        process.stderr.write(
          `exported ${series} series, ${samples} samples${file === '-' ? '' : ` to ${file}`}\n`,
        );
      } catch (err) {
        process.stderr.write(`sonde export: ${(err as Error).message}\n`);
        process.exitCode = EXIT.runtime;
      } finally {
        querier.close();
        await storage.close();
      }
    });
}
