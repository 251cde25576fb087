// `sonde query EXPR`: PromQL on the terminal, against a running server
// (--server, its Prometheus API) or a store on disk that no server is using
// (--data-dir). Instant by default (--time), a range with --start/--end/--step.
// Output: an aligned table, or --json (the API's `data`), or --csv.
import type { Command } from 'commander';
import { resultJson } from '../../api/prometheus/json.js';
import { parseDurationParamMs, parseTimeMs } from '../../api/prometheus/params.js';
import { createQueryEngine } from '../../query/index.js';
import { QueryError } from '../../query/types.js';
import { openStorage } from '../../storage/index.js';
import { EXIT } from '../exit-codes.js';

export interface QueryFlags {
  server?: string;
  dataDir?: string;
  time?: string;
  start?: string;
  end?: string;
  step?: string;
  json?: boolean;
  csv?: boolean;
}

interface Row {
  metric: Record<string, string>;
  points: [number, string][];
}

interface ApiData {
  resultType: 'vector' | 'matrix' | 'scalar' | 'string';
  result: unknown;
}

export class UsageError extends Error {}

function toRows(data: ApiData): Row[] {
  switch (data.resultType) {
    case 'scalar':
    case 'string': {
      const [t, v] = data.result as [number, string];
      return [{ metric: {}, points: [[t, v]] }];
    }
    case 'vector':
      return (data.result as { metric: Record<string, string>; value: [number, string] }[]).map((s) => ({
        metric: s.metric,
        points: [s.value],
      }));
    case 'matrix':
      return (data.result as { metric: Record<string, string>; values: [number, string][] }[]).map((s) => ({
        metric: s.metric,
        points: s.values,
      }));
  }
}

function seriesName(m: Record<string, string>): string {
  const name = m.__name__ ?? '';
  const rest = Object.keys(m)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}=${JSON.stringify(m[k])}`)
    .join(', ');
  return rest ? `${name}{${rest}}` : name || '{}';
}

function isoTime(t: number): string {
  return new Date(t * 1000).toISOString();
}

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Renders the API `data` as a table, CSV or JSON text. */
export function render(data: ApiData, format: 'table' | 'csv' | 'json'): string {
  if (format === 'json') return `${JSON.stringify(data)}\n`;
  const rows = toRows(data);
  if (format === 'csv') {
    const names = [...new Set(rows.flatMap((r) => Object.keys(r.metric)))].sort();
    const lines = [[...names, 'timestamp', 'value'].map(csvCell).join(',')];
    for (const r of rows) {
      for (const [t, v] of r.points)
        lines.push([...names.map((n) => r.metric[n] ?? ''), String(t), v].map(csvCell).join(','));
    }
    return `${lines.join('\n')}\n`;
  }
  if (rows.length === 0) return '(no data)\n';
  const table: string[][] = [['series', 'time', 'value']];
  for (const r of rows) {
    const name =
      data.resultType === 'scalar' || data.resultType === 'string'
        ? `(${data.resultType})`
        : seriesName(r.metric);
    r.points.forEach(([t, v], i) => {
      table.push([i === 0 ? name : '', isoTime(t), v]);
    });
  }
  const widths = [0, 1, 2].map((c) => Math.max(...table.map((row) => row[c].length)));
  return `${table
    .map((row) =>
      row
        .map((c, i) => (i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

function times(flags: QueryFlags, now: number) {
  const parse = (name: string, v: string) => {
    try {
      return parseTimeMs(v, now);
    } catch (err) {
      throw new UsageError(`--${name}: ${(err as Error).message}`);
    }
  };
  const ranged = flags.start !== undefined || flags.end !== undefined || flags.step !== undefined;
  if (ranged && flags.time !== undefined)
    throw new UsageError('give either --time or --start/--end/--step, not both');
  if (!ranged) return { time: flags.time === undefined ? now : parse('time', flags.time) };
  const end = flags.end === undefined ? now : parse('end', flags.end);
  const start = flags.start === undefined ? end - 3_600_000 : parse('start', flags.start);
  let step: number;
  try {
    step =
      flags.step === undefined
        ? Math.max(1000, Math.ceil((end - start) / 250 / 1000) * 1000)
        : parseDurationParamMs(flags.step);
  } catch (err) {
    throw new UsageError(`--step: ${(err as Error).message}`);
  }
  return { start, end, step };
}

/** Evaluates EXPR as the flags say; resolves to the API's `data`. Throws UsageError or QueryError. */
export async function runQuery(expr: string, flags: QueryFlags, now = Date.now()): Promise<ApiData> {
  if (flags.server && flags.dataDir) throw new UsageError('give either --server or --data-dir, not both');
  const t = times(flags, now);
  if (flags.dataDir) {
    const storage = await openStorage({ dir: flags.dataDir, maintenanceIntervalMs: 0 });
    try {
      const engine = createQueryEngine(storage);
      const v =
        'time' in t
          ? await engine.instant(expr, t.time!)
          : await engine.range(expr, t.start!, t.end!, t.step!);
      return JSON.parse(resultJson(v)) as ApiData;
    } finally {
      await storage.close();
    }
  }
  const base = (flags.server ?? process.env.SONDE_URL ?? 'http://127.0.0.1:9977').replace(/\/+$/, '');
  const params: Record<string, string> =
    'time' in t
      ? { query: expr, time: String(t.time! / 1000) }
      : {
          query: expr,
          start: String(t.start! / 1000),
          end: String(t.end! / 1000),
          step: String(t.step! / 1000),
        };
  let res: Response;
  try {
    res = await fetch(`${base}/api/v1/${'time' in t ? 'query' : 'query_range'}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
    throw new Error(`cannot reach sonde at ${base}: ${cause}`);
  }
  const body = (await res.json()) as { status: string; data?: ApiData; errorType?: string; error?: string };
  if (body.status !== 'success')
    throw new QueryError(
      body.error ?? `HTTP ${res.status}`,
      (body.errorType ?? 'internal') as QueryError['errorType'],
    );
  return body.data!;
}

export default function register(program: Command): void {
  program
    .command('query')
    .description('evaluate a PromQL expression against a running sonde or a data directory')
    .argument('<expr>', 'PromQL expression')
    .option('--server <url>', 'a running sonde (env SONDE_URL; default http://127.0.0.1:9977)')
    .option('--data-dir <dir>', 'read a store on disk directly (one no server is using)')
    .option('--time <t>', 'instant query time: RFC3339, unix seconds, now or -1h (default now)')
    .option('--start <t>', 'range start (default end - 1h)')
    .option('--end <t>', 'range end (default now)')
    .option('--step <d>', 'range step: seconds or a duration like 30s (default about 250 points)')
    .option('--json', 'print the result as the API returns it')
    .option('--csv', 'print CSV: one column per label, then timestamp and value')
    .action(async (expr: string, flags: QueryFlags) => {
      try {
        const data = await runQuery(expr, flags);
        process.stdout.write(render(data, flags.json ? 'json' : flags.csv ? 'csv' : 'table'));
      } catch (err) {
        process.stderr.write(`sonde query: ${(err as Error).message}\n`);
        const usage =
          err instanceof UsageError || (err instanceof QueryError && err.errorType === 'bad_data');
        process.exit(usage ? EXIT.usage : EXIT.runtime);
      }
    });
}
