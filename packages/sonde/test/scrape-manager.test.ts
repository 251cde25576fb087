// The scrape manager end to end on the real clock: static and file-based
// discovery, a hung target not holding others back, targets leaving
// discovery (end-of-run stale markers), reload, and GET /api/v1/targets.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { scrapeConfigSchema } from '../src/config/schema.js';
import { targetsApi } from '../src/scrape/api.js';
import { createScrapeManager } from '../src/scrape/manager.js';
import { MemoryStorage } from '../src/storage/memory.js';
import type { ApiDeps } from '../src/api/deps.js';
import { byName, read, silent, startTarget, type Target, text, waitFor } from './scrape-support.js';

let dir = '';
const targets: Target[] = [];
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sonde-scrape-'));
});
after(async () => {
  for (const t of targets) await t.close();
  await rm(dir, { recursive: true, force: true });
});

async function target(body: string): Promise<Target> {
  const t = await startTarget(text(body));
  targets.push(t);
  return t;
}

const upOf = (storage: MemoryStorage, instance: string) =>
  read(storage, byName('up')).find((s) => s.labels.instance === instance)?.points ?? [];

describe('scrape manager', () => {
  it('scrapes static and file targets; a hung target times out without holding the others', async () => {
    const good = await target('g 1\n');
    const fromFile = await target('f 1\n');
    const hung = await startTarget(() => {});
    targets.push(hung);
    const sdFile = join(dir, 'targets.json');
    await writeFile(sdFile, JSON.stringify([{ targets: [fromFile.address], labels: { team: 'a' } }]));
    const storage = new MemoryStorage();
    const manager = createScrapeManager({
      storage,
      logger: silent,
      configs: [
        scrapeConfigSchema.parse({
          job_name: 'j',
          scrape_interval: '300ms',
          scrape_timeout: '250ms',
          static_configs: [{ targets: [good.address, hung.address] }],
          file_sd_configs: [{ files: [join(dir, '*.json')] }],
        }),
      ],
    });
    await manager.start();
    try {
      // Counted, not all required: a loaded machine may push one past its deadline.
      await waitFor(
        'three good scrapes',
        () => upOf(storage, good.address).filter((p) => p.v === 1).length >= 3,
      );
      await waitFor('the hung target marked down', () => upOf(storage, hung.address).some((p) => p.v === 0));
      await waitFor('the file target', () => upOf(storage, fromFile.address).length >= 1);
      assert.deepEqual(read(storage, byName('f'))[0].labels, {
        __name__: 'f',
        job: 'j',
        instance: fromFile.address,
        team: 'a',
      });
      const view = manager.targets();
      const hungView = view.activeTargets.find((t) => t.labels.instance === hung.address);
      assert.equal(hungView?.health, 'down');
      assert.match(hungView?.lastError ?? '', /deadline exceeded/);
      assert.equal(hungView?.scrapeTimeout, '250ms');
      assert.equal(
        view.activeTargets.find((t) => t.labels.instance === fromFile.address)?.discoveredLabels
          .__meta_filepath,
        sdFile,
      );

      // The file target leaves discovery: its series and report series go stale.
      await writeFile(sdFile, '[]');
      await waitFor(
        'end-of-run stale markers',
        () =>
          read(storage, byName('f'))[0].points.at(-1)?.v === 'stale' &&
          upOf(storage, fromFile.address).at(-1)?.v === 'stale',
      );
      assert.equal(manager.targets().activeTargets.length, 2);
    } finally {
      await manager.stop();
    }
  });

  it('reloads: a changed job keeps scraping its targets without stale markers; an invalid config is refused', async () => {
    const t = await target('r 1\n');
    const storage = new MemoryStorage();
    const cfg = (label: string) =>
      scrapeConfigSchema.parse({
        job_name: 'r',
        scrape_interval: '100ms',
        static_configs: [{ targets: [t.address], labels: { v: label } }],
      });
    const manager = createScrapeManager({ storage, logger: silent, configs: [cfg('1')] });
    await manager.start();
    try {
      await waitFor('first scrape', () => read(storage, byName('r')).length === 1);
      await manager.reload([cfg('2')]);
      await waitFor('the relabeled series', () => read(storage, byName('r')).some((s) => s.labels.v === '2'));
      await assert.rejects(
        manager.reload([
          scrapeConfigSchema.parse({
            job_name: 'x',
            relabel_configs: [{ action: 'hashmod', target_label: 'h' }],
          }),
        ]),
        /relabel_configs\[0\]: relabel action hashmod needs a positive modulus/,
      );
      await assert.rejects(
        manager.reload([
          scrapeConfigSchema.parse({ job_name: 'x', scrape_interval: '1s', scrape_timeout: '2s' }),
        ]),
        /scrape_timeout 2s is greater than scrape_interval 1s/,
      );
      assert.equal(manager.targets().activeTargets[0].labels.v, '2');
    } finally {
      await manager.stop();
    }
  });

  it('serves GET /api/v1/targets in Prometheus shape, with state and scrapePool filters', async () => {
    const t = await target('a 1\n');
    const storage = new MemoryStorage();
    const manager = createScrapeManager({
      storage,
      logger: silent,
      configs: [
        scrapeConfigSchema.parse({
          job_name: 'api',
          scrape_interval: '500ms',
          static_configs: [{ targets: [t.address, 'dropme:1'] }],
          relabel_configs: [{ source_labels: ['__address__'], regex: 'dropme.*', action: 'drop' }],
        }),
      ],
    });
    await manager.start();
    const app = Fastify();
    await app.register(async (scope) => targetsApi(manager)(scope, {} as ApiDeps));
    try {
      await waitFor('a scrape', () => manager.targets().activeTargets[0]?.health === 'up');
      const res = await app.inject({ method: 'GET', url: '/api/v1/targets' });
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.equal(body.status, 'success');
      const [active] = body.data.activeTargets;
      assert.deepEqual(active.labels, { instance: t.address, job: 'api' });
      assert.deepEqual(
        {
          pool: active.scrapePool,
          url: active.scrapeUrl,
          health: active.health,
          interval: active.scrapeInterval,
          timeout: active.scrapeTimeout,
          error: active.lastError,
        },
        {
          pool: 'api',
          url: `http://${t.address}/metrics`,
          health: 'up',
          interval: '500ms',
          timeout: '500ms',
          error: '',
        },
      );
      assert.equal(active.discoveredLabels.__address__, t.address);
      assert.ok(!Number.isNaN(Date.parse(active.lastScrape)));
      assert.deepEqual(
        body.data.droppedTargets.map(
          (d: { discoveredLabels: Record<string, string> }) => d.discoveredLabels.__address__,
        ),
        ['dropme:1'],
      );
      const onlyActive = (await app.inject({ url: '/api/v1/targets?state=active' })).json();
      assert.equal(onlyActive.data.droppedTargets.length, 0);
      const otherPool = (await app.inject({ url: '/api/v1/targets?scrapePool=nope' })).json();
      assert.equal(otherPool.data.activeTargets.length, 0);
      const bad = await app.inject({ url: '/api/v1/targets?state=weird' });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().errorType, 'bad_data');
    } finally {
      await app.close();
      await manager.stop();
    }
  });
});
