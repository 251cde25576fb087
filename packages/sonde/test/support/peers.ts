// Real peers from Debian (Prometheus, VictoriaMetrics), started on free
// loopback ports with temporary data directories, and stopped by the test.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

export interface Peer {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

async function waitReady(
  url: string,
  child: ChildProcess,
  log: () => string,
  timeoutMs = 30_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`peer exited with ${child.exitCode}:\n${log()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`peer not ready at ${url}:\n${log()}`);
}

function startPeer(bin: string, args: string[], port: number, readyPath: string): Promise<Peer> {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => void (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => void (out += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const peer: Peer = {
    url,
    port,
    child,
    log: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
  return waitReady(`${url}${readyPath}`, child, () => out).then(
    () => peer,
    async (err) => {
      await peer.stop();
      throw err;
    },
  );
}

/** Prometheus with its remote-write receiver on, an empty scrape config, and long retention. */
export async function startPrometheus(dataDir: string, port?: number): Promise<Peer> {
  const p = port ?? (await freePort());
  await mkdir(dataDir, { recursive: true });
  const config = join(dataDir, 'prometheus.yml');
  await writeFile(config, 'global:\n  scrape_interval: 1m\n');
  return startPeer(
    '/usr/bin/prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dataDir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${p}`,
      '--web.enable-remote-write-receiver',
      '--storage.tsdb.retention.time=100y',
    ],
    p,
    '/-/ready',
  );
}

export async function startVictoriaMetrics(dataDir: string, port?: number): Promise<Peer> {
  const p = port ?? (await freePort());
  return startPeer(
    '/usr/bin/victoria-metrics',
    [`-storageDataPath=${join(dataDir, 'vm')}`, `-httpListenAddr=127.0.0.1:${p}`, '-retentionPeriod=100y'],
    p,
    '/health',
  );
}
