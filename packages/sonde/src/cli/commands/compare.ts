// `sonde compare`: did it get slower? Two `sonde bench` files, or two time
// windows of a metric, compared with a Mann–Whitney U test and a minimum
// effect size. Exit 1 on a regression, so CI can gate on it.
import { type Command, InvalidArgumentError } from 'commander';
import { type CompareOptions, comparePeriods } from '../../analytics/index.js';
import { readBenchFile } from '../bench/bench-file.js';
import { type ComparedMetric, markdownReport, textReport } from '../bench/compare-report.js';
import { EXIT } from '../exit-codes.js';
import { parseWindowArg } from '../time-arg.js';

interface CompareFlags {
  alpha: number;
  minEffect: number;
  markdown?: boolean;
  json?: boolean;
  query?: string;
  baseline?: string;
  current?: string;
  server: string;
  step: string;
  higherIsBetter?: boolean;
}

function fraction(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!(n > 0 && n < 1))
      throw new InvalidArgumentError(`${name} must be a number between 0 and 1, got "${v}"`);
    return n;
  };
}

async function fromBenchFiles(
  baselinePath: string,
  currentPath: string,
  o: CompareOptions,
): Promise<ComparedMetric[]> {
  const [b, c] = await Promise.all([readBenchFile(baselinePath), readBenchFile(currentPath)]);
  const metrics: ComparedMetric[] = [
    {
      name: 'wall time',
      unit: 's',
      comparison: comparePeriods(
        b.runs.map((r) => r.wallSeconds),
        c.runs.map((r) => r.wallSeconds),
        o,
      ),
    },
  ];
  if (b.runs.every((r) => r.cpuSeconds !== null) && c.runs.every((r) => r.cpuSeconds !== null)) {
    metrics.push({
      name: 'CPU time',
      unit: 's',
      comparison: comparePeriods(
        b.runs.map((r) => r.cpuSeconds!),
        c.runs.map((r) => r.cpuSeconds!),
        o,
      ),
    });
  }
  if (b.runs.every((r) => r.peakRssBytes !== null) && c.runs.every((r) => r.peakRssBytes !== null)) {
    metrics.push({
      name: 'peak memory',
      unit: 'B',
      comparison: comparePeriods(
        b.runs.map((r) => r.peakRssBytes!),
        c.runs.map((r) => r.peakRssBytes!),
        o,
      ),
    });
  }
  return metrics;
}

async function windowValues(server: string, query: string, window: string, step: string): Promise<number[]> {
  const { startMs, endMs } = parseWindowArg(window);
  const params = new URLSearchParams({
    query,
    start: String(startMs / 1000),
    end: String(endMs / 1000),
    step,
  });
  let res: Response;
  try {
    res = await fetch(`${server.replace(/\/$/, '')}/api/v1/query_range?${params}`);
  } catch (err) {
    throw new Error(`cannot reach ${server}: ${(err as Error).message}`);
  }
  const body = (await res.json()) as {
    status: string;
    error?: string;
    data?: { result: { values: [number, string][] }[] };
  };
  if (body.status !== 'success')
    throw new Error(`query failed for window ${window}: ${body.error ?? res.status}`);
  return (body.data?.result ?? []).flatMap((s) => s.values.map(([, v]) => Number(v)));
}

export default function register(program: Command): void {
  program
    .command('compare')
    .description(
      'compare a baseline with a current run (two `sonde bench` files) or two time windows of a metric; exit 1 on regression',
    )
    .argument('[baseline]', 'baseline `sonde bench` JSON file')
    .argument('[current]', 'current `sonde bench` JSON file')
    .option('--query <expr>', 'compare a PromQL expression over two windows instead of bench files')
    .option('--baseline <window>', 'baseline window START..END, e.g. -2h..-1h (with --query)')
    .option('--current <window>', 'current window START..END, e.g. -1h..now (with --query)')
    .option('--server <url>', 'sonde or Prometheus to query (with --query)', 'http://127.0.0.1:9977')
    .option('--step <duration>', 'resolution of the windows (with --query)', '15s')
    .option('--higher-is-better', 'a larger value is an improvement (throughput); default: larger is worse')
    .option('--alpha <p>', 'significance level', fraction('--alpha'), 0.01)
    .option(
      '--min-effect <fraction>',
      'smallest relative change of the median that counts',
      fraction('--min-effect'),
      0.05,
    )
    .option('--markdown', 'print a Markdown summary for a pull-request comment')
    .option('--json', 'print the comparison as JSON')
    .addHelpText(
      'after',
      "\nExamples:\n  sonde compare base.json new.json --markdown\n  sonde compare --query 'histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_seconds_bucket[5m])))' --baseline -2h..-1h --current -1h..now\n\nExit codes: 0 no change or improvement, 1 regression, 2 usage, 3 failure.",
    )
    .action(
      async (baselinePath: string | undefined, currentPath: string | undefined, flags: CompareFlags) => {
        const o: CompareOptions = {
          alpha: flags.alpha,
          minEffect: flags.minEffect,
          higherIsWorse: !flags.higherIsBetter,
        };
        let metrics: ComparedMetric[];
        try {
          if (flags.query) {
            if (!flags.baseline || !flags.current)
              throw new InvalidArgumentError('--query needs --baseline and --current windows');
            const [b, c] = await Promise.all([
              windowValues(flags.server, flags.query, flags.baseline, flags.step),
              windowValues(flags.server, flags.query, flags.current, flags.step),
            ]);
            if (b.length === 0 || c.length === 0)
              throw new Error(`no data for ${b.length === 0 ? 'the baseline' : 'the current'} window`);
            metrics = [{ name: flags.query, unit: '', comparison: comparePeriods(b, c, o) }];
          } else {
            if (!baselinePath || !currentPath)
              throw new InvalidArgumentError(
                'give two bench files, or --query with --baseline and --current',
              );
            metrics = await fromBenchFiles(baselinePath, currentPath, o);
          }
        } catch (err) {
          process.stderr.write(`sonde compare: ${(err as Error).message}\n`);
          process.exit(
            err instanceof InvalidArgumentError || err instanceof RangeError ? EXIT.usage : EXIT.runtime,
          );
        }
        if (flags.json) process.stdout.write(`${JSON.stringify(metrics, null, 2)}\n`);
        else if (flags.markdown) process.stdout.write(markdownReport('sonde compare', metrics));
        else process.stdout.write(`${textReport(metrics)}\n`);
        const regressed = metrics[0].comparison.verdict === 'regression';
        process.exit(regressed ? EXIT.finding : EXIT.ok);
      },
    );
}
