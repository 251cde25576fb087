// `sonde bench`: run a command several times and record each run's wall
// time, CPU time and peak memory as JSON, for `sonde compare`.
import { writeFile } from 'node:fs/promises';
import { cpus, hostname } from 'node:os';
import { type Command, InvalidArgumentError } from 'commander';
import { BENCH_FORMAT, type BenchFile } from '../bench/bench-file.js';
import { type RunMeasurement, runMeasured } from '../bench/run-measured.js';
import { EXIT } from '../exit-codes.js';
import { createProgress } from '../progress.js';

function positiveInt(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got "${value}"`);
    return n;
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export default function register(program: Command): void {
  program
    .command('bench')
    .description('run a command N times and record wall time, CPU time and peak memory of each run as JSON')
    .argument('<command...>', 'the command to measure, after --')
    .option('-n, --runs <n>', 'measured runs', positiveInt('--runs', 1), 10)
    .option('--warmup <n>', 'unmeasured runs first', positiveInt('--warmup', 0), 1)
    .requiredOption('-o, --output <file>', 'where to write the JSON')
    .option('--show-output', "let the command's own output through")
    .addHelpText(
      'after',
      '\nExample:\n  sonde bench -n 20 -o base.json -- node build.js\n  sonde compare base.json new.json',
    )
    .action(
      async (
        command: string[],
        flags: { runs: number; warmup: number; output: string; showOutput?: boolean },
      ) => {
        const [cmd, ...args] = command;
        const quiet = !flags.showOutput;
        const progress = createProgress(flags.warmup + flags.runs, `bench ${command.join(' ')}`);
        const runs: RunMeasurement[] = [];
        for (let i = 0; i < flags.warmup + flags.runs; i++) {
          const run = await runMeasured(cmd, args, { quiet });
          progress.tick();
          if (run.exitCode !== 0) {
            progress.done();
            const hint = run.exitCode === 127 ? ' (command not found?)' : '';
            process.stderr.write(
              `sonde bench: run ${i + 1} exited with ${run.exitCode}${hint}; nothing written\n`,
            );
            process.exit(EXIT.runtime);
          }
          if (i >= flags.warmup) runs.push(run);
        }
        progress.done();
        const file: BenchFile = {
          format: BENCH_FORMAT,
          command,
          startedAt: new Date().toISOString(),
          host: {
            hostname: hostname(),
            platform: `${process.platform}/${process.arch}`,
            cpus: cpus().length,
            node: process.version,
          },
          warmup: flags.warmup,
          runs,
        };
        await writeFile(flags.output, `${JSON.stringify(file, null, 2)}\n`);
        const wall = median(runs.map((r) => r.wallSeconds));
        const cpu = runs.every((r) => r.cpuSeconds !== null) ? median(runs.map((r) => r.cpuSeconds!)) : null;
        process.stdout.write(
          `${runs.length} runs: median wall ${wall.toFixed(3)} s` +
            (cpu === null ? '' : `, median CPU ${cpu.toFixed(3)} s`) +
            ` → ${flags.output}\n`,
        );
      },
    );
}
