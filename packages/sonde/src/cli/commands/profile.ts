// `sonde profile -- node app.js`: CPU profile, event-loop delay, GC pauses
// and host vitals of a run; prints the hottest functions and the main
// bottleneck, and writes a flame graph and the .cpuprofile for DevTools.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { EXIT } from '../exit-codes.js';
import { callTree, hottestFunctions, profileDurationMs } from '../profile/cpu-profile.js';
import { flameGraphHtml } from '../profile/flamegraph.js';
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

export default function register(program: Command): void {
  program
    .command('profile')
    .description('profile a Node.js command: hottest functions, main bottleneck, flame graph and .cpuprofile')
    .argument('<command...>', 'the command to profile, after --, e.g. -- node app.js')
    .option(
      '-o, --output-dir <dir>',
      'where to write sonde-profile.cpuprofile and sonde-flamegraph.html',
      '.',
    )
    .option('--top <n>', 'how many functions to list', (v) => Number(v), 15)
    .option('--json', 'print the findings as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  sonde profile -- node server.js\n  sonde profile -o out -- npm run build',
    )
    .action(async (command: string[], flags: { outputDir: string; top: number; json?: boolean }) => {
      const [cmd, ...args] = command;
      let result: Awaited<ReturnType<typeof profileCommand>>;
      try {
        result = await profileCommand(cmd, args);
      } catch (err) {
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
      await copyFile(result.profilePath, cpuprofile);
      const rows = [
        ['self ms', 'total ms', 'function', 'where'],
        ...hot.map((f) => [f.selfMs.toFixed(1), f.totalMs.toFixed(1), f.name, f.location]),
      ];
      const text = [
        `profiled ${command.join(' ')} for ${(durationMs / 1000).toFixed(2)} s (exit ${result.exitCode})`,
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
