// `sonde report`: a self-contained report of a window — HTML with inline
// SVG charts, Markdown, JSON or CSV — to send to people who don't run sonde.
import { writeFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError } from 'commander';
import { EXIT } from '../exit-codes.js';
import { fetchCharts } from '../report/charts.js';
import { type Report, renderCsv, renderHtml, renderJson, renderMarkdown } from '../report/render.js';
import { parseTimeArg } from '../time-arg.js';
import { gatherAnalysis } from './analyze.js';

const FORMATS = { html: renderHtml, md: renderMarkdown, json: renderJson, csv: renderCsv } as const;
type Format = keyof typeof FORMATS;

interface ReportFlags {
  from: string;
  to: string;
  format: Format;
  output: string;
  server: string;
  token?: string;
  title?: string;
}

export default function register(program: Command): void {
  program
    .command('report')
    .description('write a self-contained report of a window: health, findings with evidence, charts')
    .option('--from <time>', 'window start: RFC 3339, Unix seconds, or relative like -24h', '-1h')
    .option('--to <time>', 'window end', 'now')
    .option(
      '--format <format>',
      'html|md|json|csv',
      (v: string) => {
        if (!(v in FORMATS)) throw new InvalidArgumentError('format must be one of html, md, json, csv');
        return v as Format;
      },
      'html',
    )
    .requiredOption('-o, --output <file>', 'where to write the report')
    .option('--server <url>', 'the sonde server to report on', 'http://127.0.0.1:9977')
    .option('--token <token>', 'API token (env SONDE_TOKEN)')
    .option('--title <text>', 'title of the report')
    .addHelpText('after', '\nExample:\n  sonde report --from -24h --format html -o daily.html')
    .action(async (flags: ReportFlags) => {
      let fromMs: number;
      let toMs: number;
      try {
        fromMs = parseTimeArg(flags.from);
        toMs = parseTimeArg(flags.to);
        if (toMs <= fromMs) throw new RangeError('--to must be after --from');
      } catch (err) {
        process.stderr.write(`sonde report: ${(err as Error).message}\n`);
        process.exit(EXIT.usage);
      }
      try {
        const target = { server: flags.server, ...(flags.token ? { token: flags.token } : {}) };
        const [analysis, charts] = await Promise.all([
          gatherAnalysis({
            server: flags.server,
            from: String(fromMs / 1000),
            to: String(toMs / 1000),
            window: '1h',
            ...(flags.token ? { token: flags.token } : {}),
          }),
          fetchCharts(target, fromMs, toMs),
        ]);
        const report: Report = {
          title:
            flags.title ??
            `sonde report, ${new Date(fromMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
          server: flags.server,
          generatedAt: Date.now(),
          analysis,
          charts,
        };
        await writeFile(flags.output, FORMATS[flags.format](report));
        process.stderr.write(`wrote ${flags.format} report to ${flags.output}\n`);
      } catch (err) {
        process.stderr.write(`sonde report: ${(err as Error).message}\n`);
        process.exit(EXIT.runtime);
      }
    });
}
