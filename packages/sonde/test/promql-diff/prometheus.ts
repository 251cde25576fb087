// A real Prometheus (the Debian package's binary) on a free loopback port over
// a TSDB backfilled with promtool, for the differential suite and the benchmark.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
export const PROMTOOL_BIN = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningPrometheus {
  readonly url: string;
  readonly dir: string;
  stop(): Promise<void>;
  output(): string;
}

/** Backfills the OpenMetrics text with promtool and starts Prometheus over it. */
export async function startPrometheus(openMetrics: string): Promise<RunningPrometheus> {
  return startPrometheusWith(async (dir) => {
    const file = join(dir, 'data.om');
    await writeFile(file, openMetrics);
    return [file];
  });
}

/**
 * Like startPrometheus, with OpenMetrics files written into `dir` by `write`.
 * promtool re-reads its whole input for every 2 h block, so long spans are
 * best written as one file per 2 h window.
 */
export async function startPrometheusWith(
  write: (dir: string) => Promise<string[]>,
): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'sonde-promdiff-'));
  const config = join(dir, 'prometheus.yml');
  const tsdb = join(dir, 'tsdb');
  const files = await write(dir);
  await writeFile(config, '');
  for (const file of files) {
    await run(PROMTOOL_BIN, ['tsdb', 'create-blocks-from', 'openmetrics', '-q', file, tsdb], {
      maxBuffer: 16 << 20,
    });
    await rm(file);
  }
  const port = await freePort();
  const proc: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${tsdb}`,
      '--storage.tsdb.retention.time=100y',
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  proc.stdout?.on('data', (d) => (out += d));
  proc.stderr?.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (proc.exitCode === null) {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited with ${proc.exitCode}: ${out}`);
    }
    try {
      const r = await fetch(`${url}/-/ready`);
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not become ready: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, dir, stop, output: () => out };
}

export interface PromResponse {
  status: 'success' | 'error';
  errorType?: string;
  error?: string;
  data?: { resultType: string; result: unknown };
}

export async function promQuery(
  url: string,
  path: string,
  params: Record<string, string>,
): Promise<PromResponse> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  return (await res.json()) as PromResponse;
}

export async function promGet(
  url: string,
  path: string,
  params: Record<string, string>,
): Promise<PromResponse> {
  const res = await fetch(`${url}${path}?${new URLSearchParams(params)}`);
  return (await res.json()) as PromResponse;
}
