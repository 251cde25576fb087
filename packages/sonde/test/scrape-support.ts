// Shared by the scrape tests: a local HTTP target whose answer the test sets,
// and reading series back out of a store.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import pino from 'pino';
import { scrapeConfigSchema } from '../src/config/schema.js';
import { HttpClient } from '../src/scrape/http-client.js';
import { ScrapeLoop } from '../src/scrape/loop.js';
import { populateTargets, resolveScrapeConfig } from '../src/scrape/targets.js';
import { isStaleNaN } from '../src/storage/labels.js';
import type { Labels, Matcher, Storage } from '../src/storage/types.js';

export const silent = pino({ level: 'silent' });

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface Target {
  readonly server: Server;
  readonly address: string;
  handler: Handler;
  /** Request headers of the last scrape. */
  lastHeaders: IncomingMessage['headers'];
  close(): Promise<void>;
}

export function text(body: string, type = 'text/plain; version=0.0.4; charset=utf-8'): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'Content-Type': type });
    res.end(body);
  };
}

export async function startTarget(handler: Handler): Promise<Target> {
  const t: Target = {
    server: createServer((req, res) => {
      t.lastHeaders = req.headers;
      t.handler(req, res);
    }),
    address: '',
    handler,
    lastHeaders: {},
    async close() {
      t.server.closeAllConnections();
      await new Promise((r) => t.server.close(r));
    },
  };
  await new Promise<void>((r) => t.server.listen(0, '127.0.0.1', r));
  (t as { address: string }).address = `127.0.0.1:${(t.server.address() as { port: number }).port}`;
  return t;
}

/** A scrape loop for the first target of a config, driven by the test with scrapeOnce(). */
export function loopFor(
  storage: Storage,
  config: Record<string, unknown>,
  now: () => number,
): { loop: ScrapeLoop; client: HttpClient } {
  const rc = resolveScrapeConfig(scrapeConfigSchema.parse({ job_name: 'test', ...config }));
  const groups = rc.config.static_configs.map((s, i) => ({
    targets: s.targets,
    labels: s.labels ?? {},
    source: `static_configs[${i}]`,
  }));
  const target = [...populateTargets(rc, groups).active.values()][0];
  const client = new HttpClient(rc.config);
  const loop = new ScrapeLoop({
    target,
    storage,
    client,
    logger: silent,
    honorLabels: rc.config.honor_labels,
    honorTimestamps: rc.config.honor_timestamps,
    sampleLimit: rc.config.sample_limit,
    bodySizeLimit: rc.config.body_size_limit,
    metricRelabel: rc.metricRelabel,
    now,
  });
  return { loop, client };
}

export interface Point {
  t: number;
  v: number | 'stale';
}

/** Every series matching, as sorted label sets with their points. */
export function read(storage: Storage, matchers: Matcher[]): { labels: Labels; points: Point[] }[] {
  const q = storage.querier();
  const out = [...q.select(matchers, -Infinity, Infinity)].map((s) => ({
    labels: s.labels,
    points: [...s.t].map((t, i) => ({ t, v: isStaleNaN(s.v[i]) ? ('stale' as const) : s.v[i] })),
  }));
  q.close();
  return out.sort((a, b) => JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)));
}

export function byName(name: string): Matcher[] {
  return [{ type: '=', name: '__name__', value: name }];
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
