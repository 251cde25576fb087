import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { sampleFromValues } from '../../analytics/stats/histogram.js';
import { analyticsRoutes } from '../../api/analytics/index.js';
import { configSchema } from '../../config/schema.js';
import type { QueryEngine } from '../../query/types.js';
import { MemoryStorage } from '../../storage/memory.js';
import register, { type AnalyzeFlags, analyze } from './analyze.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1);
const engine: QueryEngine = {
  instant: async () => ({ type: 'scalar', t: 0, v: 0 }),
  range: async () => ({ type: 'matrix', series: [] }),
};

/** Parses the arguments as the command would and runs the analysis, returning what it would print. */
async function run(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  register(program);
  const cmd = program.commands.find((c) => c.name() === 'analyze')!;
  cmd.action(() => undefined);
  await program.parseAsync(['node', 'sonde', 'analyze', ...args]);
  return analyze(cmd.opts() as AnalyzeFlags);
}

describe('sonde analyze', () => {
  let app: FastifyInstance;
  let url: string;
  before(async () => {
    const storage = new MemoryStorage();
    const a = storage.appender();
    for (let i = 0; i <= 60; i++) {
      const t = T0 + i * MIN;
      a.append({ __name__: 'node_cpu_seconds_total', cpu: '0', mode: 'idle' }, t, i * 6);
      a.append({ __name__: 'node_cpu_seconds_total', cpu: '0', mode: 'user' }, t, i * 54);
      a.append(
        { __name__: 'http_server_requests_total', route: '/pay', method: 'POST', status_code: '200' },
        t,
        i * 100,
      );
      a.appendHistogram(
        { __name__: 'http_server_request_duration_seconds', route: '/pay', method: 'POST' },
        t,
        sampleFromValues(new Array(i * 10).fill(0.7)),
      );
      a.append({ __name__: 'queue', job: 'w' }, t, 10 + (i % 4));
    }
    await a.commit();
    app = Fastify();
    await app.register(async (s) =>
      analyticsRoutes(s, {
        config: configSchema.parse({}),
        storage,
        engine,
        logger: pino({ level: 'silent' }),
        startedAt: T0,
      }),
    );
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(() => app.close());
  const win = ['--from', String(T0 / 1000), '--to', String((T0 + 60 * MIN) / 1000)];

  it('prints a readable report with health, resources, routes and advice', async () => {
    const text = await run(['--server', url, ...win, '--query', 'queue']);
    assert.match(text, /^sonde analysis 2026-01-01T00:00:00Z – 2026-01-01T01:00:00Z/);
    assert.match(text, /Health: [\d.]+\/100, grade /);
    assert.match(text, /cpu is the most saturated resource/);
    assert.match(text, /POST \/pay\s+70\d ms .* slow/);
    assert.match(text, /Speed up POST \/pay/);
    assert.match(text, /queue\{job="w"\}\s+61/);
  });

  it('prints JSON with --json', async () => {
    const data = JSON.parse(await run(['--server', url, ...win, '--json']));
    assert.equal(data.bottlenecks.top, 'cpu');
    assert.equal(data.routes[0].route, '/pay');
  });
});
