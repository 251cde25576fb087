// `sonde profile -- node app.js`: CPU profile, event-loop delay, GC pauses
// and host vitals of a run; prints the hottest functions and the main
// bottleneck, and writes a flame graph and the .cpuprofile for DevTools.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { EXIT } from '../exit-codes.js';
import { callTree, hottestFunctions, profileDurationMs } from '../profile/cpu-profile.js';
import { flameGraphHtml } from '../profile/flamegraph.js';
import { parseDuration } from '../../config/duration.js';
import { profilePid } from '../profile/attach.js';
import { sampleHost } from '../profile/host-sampler.js';
import { profileCommand } from '../profile/profile-run.js';
import { findBottleneck } from '../profile/verdict.js';

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (i < 2 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

interface ProfileFlags {
  outputDir: string;
  top: number;
  json?: boolean;
  pid?: number;
  duration: string;
}

class UsageError extends Error {}

export default function register(program: Command): void {
  program
    .command('profile')
    .description('profile a Node.js command: hottest functions, main bottleneck, flame graph and .cpuprofile')
    .argument('[command...]', 'the command to profile, after --, e.g. -- node app.js')
    .option('--pid <pid>', 'profile a running Node.js process instead, through its inspector', (v) =>
      Number(v),
    )
    .option('--duration <duration>', 'how long to profile a --pid process', '10s')
    .option(
      '-o, --output-dir <dir>',
      'where to write sonde-profile.cpuprofile and sonde-flamegraph.html',
      '.',
    )
    .option('--top <n>', 'how many functions to list', (v) => Number(v), 15)
    .option('--json', 'print the findings as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  sonde profile -- node server.js\n  sonde profile -o out -- npm run build\n  sonde profile --pid 4242 --duration 30s',
    )
    .action(async (command: string[], flags: ProfileFlags) => {
      const [cmd, ...args] = command;
      let result: Awaited<ReturnType<typeof profileCommand>>;
      try {
        if (flags.pid !== undefined) {
          if (!Number.isInteger(flags.pid) || flags.pid <= 0)
            throw new UsageError('--pid must be a process id');
          if (command.length > 0) throw new UsageError('give either --pid or a command, not both');
          const host = sampleHost();
          const profile = await profilePid({ pid: flags.pid, durationMs: parseDuration(flags.duration) });
          result = { profile, profilePath: '', runtime: null, host: host.stop(), exitCode: null };
        } else {
          if (!cmd) throw new UsageError('give a command after --, or --pid PID');
          result = await profileCommand(cmd, args);
        }
      } catch (err) {
        if (err instanceof UsageError) {
          process.stderr.write(`sonde profile: ${err.message}\n`);
          process.exit(EXIT.usage);
        }
        process.stderr.write(`sonde profile: ${(err as Error).message}\n`);
        process.exit(EXIT.runtime);
      }
      const durationMs = profileDurationMs(result.profile);
      const hot = hottestFunctions(result.profile, flags.top);
      const verdict = findBottleneck(hot, durationMs, result.runtime, result.host);
      const outDir = resolve(flags.outputDir);
      await mkdir(outDir, { recursive: true });
      const cpuprofile = join(outDir, 'sonde-profile.cpuprofile');
      const flame = join(outDir, 'sonde-flamegraph.html');
      if (result.profilePath) await copyFile(result.profilePath, cpuprofile);
      else await writeFile(cpuprofile, JSON.stringify(result.profile));
      const rows = [
        ['self ms', 'total ms', 'function', 'where'],
        ...hot.map((f) => [f.selfMs.toFixed(1), f.totalMs.toFixed(1), f.name, f.location]),
      ];
      const text = [
        `profiled ${flags.pid !== undefined ? `pid ${flags.pid}` : command.join(' ')} for ${(durationMs / 1000).toFixed(2)} s (exit ${result.exitCode})`,
        '',
        'hottest functions (by self time):',
        table(rows),
        '',
        `main bottleneck: ${verdict.summary}`,
        ...verdict.evidence.map((e) => `  - ${e}`),
        '',
        `flame graph: ${flame}`,
        `CPU profile (open in Chrome DevTools → Performance): ${cpuprofile}`,
      ].join('\n');
      await writeFile(
        flame,
        flameGraphHtml(callTree(result.profile), `sonde profile: ${command.join(' ')}`, text),
      );
      if (flags.json) {
        process.stdout.write(
          `${JSON.stringify({ command, durationMs, exitCode: result.exitCode, hottest: hot, bottleneck: verdict, runtime: result.runtime, host: result.host, files: { cpuprofile, flamegraph: flame } }, null, 2)}\n`,
        );
      } else {
        process.stdout.write(`${text}\n`);
      }
    });
}
