// Profiles a running Node.js process by PID through its inspector: SIGUSR1
// opens the inspector on 127.0.0.1, the CPU profiler runs for the asked
// duration over the DevTools protocol, and the inspector is closed again
// so the process is left as it was found.
import WebSocket from 'ws';
import type { CpuProfile } from './cpu-profile.js';

export interface AttachOptions {
  readonly pid: number;
  readonly durationMs: number;
  /** Where the target's inspector listens once opened (Node's default 9229). */
  readonly inspectPort?: number;
}

async function debuggerUrl(port: number, deadlineMs: number): Promise<string> {
  let lastError = '';
  while (Date.now() < deadlineMs) {
    try {
      const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
        webSocketDebuggerUrl?: string;
      }[];
      const url = list.find((t) => t.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
      if (url) return url;
    } catch (err) {
      lastError = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `the inspector did not open on 127.0.0.1:${port} (${lastError || 'no target listed'}); is the process a Node.js process started without --inspect on another port?`,
  );
}

class DevTools {
  private id = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
      if (msg.id === undefined) return;
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(msg.error.message));
      else p.resolve(msg.result);
    });
  }

  call<T>(method: string, params: object = {}): Promise<T> {
    const id = ++this.id;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }
}

export async function profilePid(options: AttachOptions): Promise<CpuProfile> {
  const port = options.inspectPort ?? 9229;
  try {
    process.kill(options.pid, 0);
  } catch {
    throw new Error(`no process with pid ${options.pid} (or not allowed to signal it)`);
  }
  (process as unknown as { _debugProcess(pid: number): void })._debugProcess(options.pid);
  const url = await debuggerUrl(port, Date.now() + 5000);
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const devtools = new DevTools(ws);
  try {
    await devtools.call('Profiler.enable');
    await devtools.call('Profiler.setSamplingInterval', { interval: 500 });
    await devtools.call('Profiler.start');
    await new Promise((r) => setTimeout(r, options.durationMs));
    const { profile } = await devtools.call<{ profile: CpuProfile }>('Profiler.stop');
    await devtools.call('Profiler.disable');
    // Close the inspector we opened: leave no debugging port behind.
    // The call may never answer: closing the inspector closes this connection.
    await Promise.race([
      devtools.call('Runtime.evaluate', { expression: 'process._debugEnd()' }).catch(() => undefined),
      new Promise((r) => setTimeout(r, 500)),
    ]);
    return profile;
  } finally {
    ws.close();
  }
}
