// Runs one command and measures it: wall time, CPU time (user + system of
// the whole process tree it waited for) and peak resident memory.
//
// Node exposes no rusage for children, so on Linux the command runs under
// `sh`, which after waiting for it prints its own /proc/<pid>/stat: the
// cutime/cstime fields there hold the CPU of every child it waited for.
// Peak memory is sampled from /proc/<pid>/status (VmHWM) of the tree while
// it runs, so very short peaks between samples can be missed.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

export interface RunMeasurement {
  readonly wallSeconds: number;
  /** null where the platform gives no child CPU time. */
  readonly cpuSeconds: number | null;
  /** null where the platform gives no peak memory. */
  readonly peakRssBytes: number | null;
  readonly exitCode: number | null;
}

const CLOCK_TICKS = 100;
const isLinux = process.platform === 'linux';

function statusHwmBytes(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function descendants(pid: number, into: number[] = []): number[] {
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const kids = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const kid of kids ? kids.split(' ') : []) {
        into.push(Number(kid));
        descendants(Number(kid), into);
      }
    }
  } catch {
    // the process ended between listing and reading: nothing more to find
  }
  return into;
}

/** Parses the cutime+cstime fields from a /proc/<pid>/stat line (fields 16 and 17). */
export function childCpuSecondsFromStat(stat: string): number | null {
  const close = stat.lastIndexOf(')');
  if (close < 0) return null;
  const fields = stat
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // fields[0] is field 3 (state); cutime is field 16, cstime field 17.
  const cutime = Number(fields[13]);
  const cstime = Number(fields[14]);
  if (!Number.isFinite(cutime) || !Number.isFinite(cstime)) return null;
  return (cutime + cstime) / CLOCK_TICKS;
}

export function runMeasured(
  command: string,
  args: readonly string[],
  options: { quiet?: boolean; sampleMs?: number } = {},
): Promise<RunMeasurement> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const stdio = options.quiet ? 'ignore' : 'inherit';
    const child = isLinux
      ? spawn('sh', ['-c', '"$@"; s=$?; cat /proc/$$/stat >&3; exit $s', 'sonde-bench', command, ...args], {
          stdio: [stdio, stdio, stdio, 'pipe'],
        })
      : spawn(command, [...args], { stdio });
    let stat = '';
    child.stdio[3]?.on('data', (chunk: Buffer) => void (stat += chunk.toString()));
    let peak = 0;
    const sampler = isLinux
      ? setInterval(() => {
          if (child.pid === undefined) return;
          for (const pid of descendants(child.pid)) peak = Math.max(peak, statusHwmBytes(pid));
        }, options.sampleMs ?? 10)
      : null;
    child.once('error', (err) => {
      if (sampler) clearInterval(sampler);
      reject(new Error(`cannot run ${command}: ${err.message}`));
    });
    child.once('close', (code) => {
      if (sampler) clearInterval(sampler);
      const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      resolve({
        wallSeconds,
        cpuSeconds: isLinux ? childCpuSecondsFromStat(stat) : null,
        peakRssBytes: isLinux && peak > 0 ? peak : null,
        exitCode: code,
      });
    });
  });
}
