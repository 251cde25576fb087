// `sonde analyze`: a readable analysis of a running sonde — health score,
// USE bottlenecks, routes, recommendations, and for --query also summaries,
// trends and anomalies of those series — from its /api/sonde/v1 endpoints.
//   sonde analyze --from 2026-11-22T10:00:00Z --to 2026-11-22T11:00:00Z
//   sonde analyze --query 'http_server_request_duration_seconds' --json
import type { Command } from 'commander';
import { type ReportData, renderReport } from '../../analytics/report.js';
import { EXIT } from '../exit-codes.js';

export interface AnalyzeFlags {
  server: string;
  from?: string;
  to?: string;
  window: string;
  query?: string;
  json?: boolean;
  token?: string;
}

async function call(
  flags: AnalyzeFlags,
  path: string,
  extra: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const url = new URL(`/api/sonde/v1/${path}`, flags.server);
  if (flags.from) url.searchParams.set('from', flags.from);
  if (flags.to) url.searchParams.set('to', flags.to);
  if (!flags.from) url.searchParams.set('window', flags.window);
  for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);
  const token = flags.token ?? process.env.SONDE_TOKEN;
  let res: Response;
  try {
    res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  } catch (err) {
    throw new Error(`cannot reach ${flags.server}: ${(err as Error).cause ?? (err as Error).message}`);
  }
  const body = (await res.json().catch(() => ({}))) as {
    status?: string;
    data?: Record<string, unknown>;
    error?: string;
  };
  if (!res.ok || body.status !== 'success') throw new Error(`${path}: ${body.error ?? `HTTP ${res.status}`}`);
  return body.data ?? {};
}

/** Fetches the analysis of a window from the server (also used by `sonde report`). */
export async function gatherAnalysis(flags: AnalyzeFlags): Promise<ReportData> {
  const [health, use, routes, recs] = await Promise.all([
    call(flags, 'health'),
    call(flags, 'bottlenecks'),
    call(flags, 'routes'),
    call(flags, 'recommendations', flags.query ? { query: flags.query } : {}),
  ]);
  const q = flags.query ? { query: flags.query } : undefined;
  const [summary, trends, anomalies] = q
    ? await Promise.all([call(flags, 'summary', q), call(flags, 'trends', q), call(flags, 'anomalies', q)])
    : [undefined, undefined, undefined];
  const data = {
    from: health.from as number,
    to: health.to as number,
    health: health as unknown as ReportData['health'],
    bottlenecks: use as unknown as ReportData['bottlenecks'],
    routes: routes.routes as ReportData['routes'],
    recommendations: recs.recommendations as ReportData['recommendations'],
    summary: summary?.series as ReportData['summary'],
    trends: trends?.series as ReportData['trends'],
    anomalies: anomalies?.series as ReportData['anomalies'],
  } satisfies ReportData;
  return data;
}

/** Fetches the analysis from the server and renders it (text, or JSON with --json). */
export async function analyze(flags: AnalyzeFlags): Promise<string> {
  const data = await gatherAnalysis(flags);
  return flags.json ? `${JSON.stringify(data, null, 2)}\n` : renderReport(data);
}

export default function register(program: Command): void {
  program
    .command('analyze')
    .description(
      'print an analysis of a running sonde: health, bottlenecks, routes, anomalies, recommendations',
    )
    .option('--server <url>', 'sonde server URL', 'http://127.0.0.1:9977')
    .option('--from <time>', 'window start: Unix seconds or RFC 3339')
    .option('--to <time>', 'window end (default now)')
    .option('--window <duration>', 'window length ending at --to when --from is not given', '1h')
    .option('--query <expr>', 'also summarize, trend and score these series (selector or PromQL)')
    .option('--token <token>', 'API token (env SONDE_TOKEN)')
    .option('--json', 'print the raw analysis as JSON')
    .action(async (flags: AnalyzeFlags) => {
      try {
        process.stdout.write(await analyze(flags));
      } catch (err) {
        process.stderr.write(`sonde analyze: ${(err as Error).message}\n`);
        process.exit(EXIT.runtime);
      }
    });
}
