// Starts the real `sonde start` as a child process (from source, through
// tsx) on a free loopback port, and stops it. Shared by the end-to-end tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const mainTs = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface SondeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process logged so far. */
  readonly output: () => string;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startSondeProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<SondeProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=sonde-src', '--import', 'tsx', mainTs, 'start', '--listen', '127.0.0.1:0', ...args],
    {
      cwd: repoRoot,
      env: { ...process.env, SONDE_LOG_FORMAT: 'json', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sonde did not start within 60 s:\n${out}`)), 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      for (const line of out.split('\n')) {
        if (!line.includes('"msg":"listening"')) continue;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
        return;
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => void (out += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sonde exited with ${code} before listening:\n${out}`));
    });
  });
  child.stdout.on('data', (chunk: Buffer) => void (out += chunk.toString()));
  return {
    url,
    child,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${lastError}` : ''}`);
}
