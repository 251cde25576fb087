// Shared pieces of the alerting integration tests: a real HTTP receiver on
// loopback that can be taken down and brought back, and a sonde alerting
// stage over a scripted engine and a fake clock.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type Alerting, createAlerting, FakeClock } from '../../src/alerting/index.js';
import { FakeEngine } from '../../src/alerting/testing/fake-engine.js';
import { configSchema } from '../../src/config/schema.js';
import { MemoryStorage } from '../../src/storage/index.js';

export interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

/** An HTTP receiver; `status` is what it answers, `down()` closes its port, `up()` reopens the same port. */
export class Receiver {
  readonly received: Received[] = [];
  status = 200;
  private server: Server | null = null;
  port = 0;

  async up(): Promise<void> {
    const server = createServer((req, res) => {
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => void (text += c));
      req.on('end', () => {
        if (this.status >= 200 && this.status < 300) {
          this.received.push({
            path: req.url ?? '',
            headers: req.headers,
            body: JSON.parse(text) as Record<string, unknown>,
          });
        }
        res.writeHead(this.status).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async down(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  /** Distinct idempotency keys received. */
  keys(): string[] {
    return this.received.map((r) => String(r.headers['idempotency-key']));
  }
}

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface Harness {
  readonly alerting: Alerting;
  readonly clock: FakeClock;
  readonly engine: FakeEngine;
  readonly storage: MemoryStorage;
}

/** A sonde alerting stage with a rule file, an alerting config, a fake clock and a scripted engine. */
export function harness(opts: {
  dir: string;
  rules: string;
  alerting: Record<string, unknown>;
  clock?: FakeClock;
  engine?: FakeEngine;
  retry?: { baseMs?: number; maxMs?: number };
}): Harness {
  const rulesPath = join(opts.dir, 'rules.yml');
  writeFileSync(rulesPath, opts.rules);
  const config = configSchema.parse({
    data_dir: opts.dir,
    rule_files: [rulesPath],
    alerting: { builtin_rules: { enabled: false }, ...opts.alerting },
  });
  const clock = opts.clock ?? new FakeClock(Date.UTC(2026, 0, 1, 12));
  const engine = opts.engine ?? new FakeEngine();
  const storage = new MemoryStorage();
  const alerting = createAlerting({
    config,
    engine,
    storage,
    dataDir: opts.dir,
    logger: pino({ level: 'silent' }),
    clock,
    retry: opts.retry ?? { baseMs: 1000, maxMs: 8000 },
  });
  clock.settle = () => alerting.idle();
  return { alerting, clock, engine, storage };
}
