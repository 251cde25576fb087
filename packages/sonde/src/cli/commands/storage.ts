// `sonde storage stats|compact|delete`: inspect and administer the embedded
// store in a data directory (with the server stopped: the store is opened
// directly). `delete` is an admin action and needs --match.
import type { Command } from 'commander';
import { type Expr, parseExpr } from '../../query/index.js';
import { type EmbeddedStorage, type Matcher, openStorage } from '../../storage/index.js';
import { EXIT } from '../exit-codes.js';

interface Flags {
  dataDir?: string;
  json?: boolean;
  match?: string[];
  from?: string;
  to?: string;
}

function dataDir(flags: Flags): string {
  return flags.dataDir ?? process.env.SONDE_DATA_DIR ?? './data';
}

function fail(msg: string, code: number = EXIT.usage): never {
  process.stderr.write(`sonde storage: ${msg}\n`);
  process.exit(code);
}

/** The matchers of a series selector such as `up{job="node"}`. */
export function selectorMatchers(src: string): Matcher[] {
  let e: Expr;
  try {
    e = parseExpr(src);
  } catch (err) {
    throw new Error(`--match ${JSON.stringify(src)} is not a valid selector: ${(err as Error).message}`);
  }
  if (e.kind !== 'vectorSelector')
    throw new Error(`--match ${JSON.stringify(src)} must be a series selector`);
  return [...e.matchers];
}

/** A time flag: RFC 3339 or Unix seconds; returns ms. */
export function parseTime(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : Date.parse(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} ${JSON.stringify(v)} must be RFC 3339 or Unix seconds`);
  return n;
}

async function withStore(flags: Flags, fn: (db: EmbeddedStorage) => Promise<void>): Promise<void> {
  let db: EmbeddedStorage;
  try {
    db = await openStorage({ dir: dataDir(flags), maintenanceIntervalMs: 0 });
  } catch (err) {
    fail(`cannot open the store in ${dataDir(flags)}: ${(err as Error).message}`, EXIT.runtime);
  }
  try {
    await fn(db);
  } finally {
    await db.close();
  }
}

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());
const mib = (b: number) => `${(b / 1048576).toFixed(2)} MiB`;

export default function register(program: Command): void {
  const cmd = program.command('storage').description('inspect and administer the embedded time-series store');
  const dirOpt = ['--data-dir <dir>', 'data directory (env SONDE_DATA_DIR; default ./data)'] as const;

  cmd
    .command('stats')
    .description('series, samples, bytes on disk per tier, oldest/newest sample, cardinality')
    .option(...dirOpt)
    .option('--json', 'as JSON')
    .action((flags: Flags) =>
      withStore(flags, async (db) => {
        const s = db.stats();
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ ...s, recoveryMs: db.recoveryMs, faults: db.faults })}\n`);
          return;
        }
        const lines = [
          `series            ${s.series} (${s.headSeries} with data in the head)`,
          `bytes on disk     ${mib(s.bytesOnDisk)} (${s.bytesPerSample.toFixed(3)} bytes/sample in the raw tier)`,
          `oldest / newest   ${iso(s.oldestMs)} / ${iso(s.newestMs)}`,
          ...s.tiers.map(
            (t) =>
              `tier ${t.tier.padEnd(4)}         ${mib(t.bytesOnDisk)}, ${t.samples} samples, ${iso(t.oldestMs)} … ${iso(t.newestMs)}`,
          ),
          `top metrics       ${s.topMetrics.map((m) => `${m.name} (${m.series})`).join(', ')}`,
          `top labels        ${s.topLabels.map((l) => `${l.name} (${l.values})`).join(', ')}`,
          `opened in         ${db.recoveryMs.toFixed(0)} ms`,
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );

  cmd
    .command('compact')
    .description('write the head into blocks, merge small blocks, apply retention')
    .option(...dirOpt)
    .action((flags: Flags) =>
      withStore(flags, async (db) => {
        const before = db.stats().bytesOnDisk;
        await db.flush();
        await db.maintain();
        for (let i = 0; i < 64; i++) await db.compact();
        process.stdout.write(`compacted: ${mib(before)} → ${mib(db.stats().bytesOnDisk)}\n`);
      }),
    );

  cmd
    .command('delete')
    .description('delete the samples of matching series, in a time range or entirely (admin action)')
    .option(...dirOpt)
    .requiredOption('--match <selector...>', 'series selector, e.g. up{job="node"} (repeatable: any of them)')
    .option('--from <time>', 'start of the range (RFC 3339 or Unix seconds; default: the beginning)')
    .option('--to <time>', 'end of the range (default: the end)')
    .action(async (flags: Flags) => {
      let sets: Matcher[][];
      let from: number;
      let to: number;
      try {
        sets = (flags.match ?? []).map(selectorMatchers);
        from = parseTime('from', flags.from, Number.NEGATIVE_INFINITY);
        to = parseTime('to', flags.to, Number.POSITIVE_INFINITY);
      } catch (err) {
        fail((err as Error).message);
      }
      if (from > to) fail('--from is after --to');
      await withStore(flags, async (db) => {
        let n = 0;
        for (const m of sets) n += await db.deleteSeries(m, from, to);
        process.stdout.write(`deleted samples of ${n} series\n`);
      });
    });
}
