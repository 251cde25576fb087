// `sonde storage stats|compact|delete` on a data directory, end to end
// through the real command line.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStorage } from '../../src/storage/db.js';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const run = promisify(execFile);
const sonde = (...args: string[]) =>
  run(process.execPath, ['--conditions=sonde-src', '--import', 'tsx', main, ...args]);

let dir = '';
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('sonde storage', () => {
  it('shows stats, deletes by selector and range, compacts', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sonde-cli-'));
    const t0 = Date.now() - 3_600_000;
    const db = await openStorage({ dir, maintenanceIntervalMs: 0 });
    const a = db.appender();
    for (let i = 0; i < 100; i++) {
      a.append({ __name__: 'up', job: 'node' }, t0 + i * 1000, 1);
      a.append({ __name__: 'up', job: 'api' }, t0 + i * 1000, 1);
    }
    await a.commit();
    await db.close();

    const stats = JSON.parse((await sonde('storage', 'stats', '--data-dir', dir, '--json')).stdout);
    assert.equal(stats.series, 2);
    assert.deepEqual(stats.topMetrics, [{ name: 'up', series: 2 }]);

    const del = await sonde(
      'storage',
      'delete',
      '--data-dir',
      dir,
      '--match',
      'up{job="api"}',
      '--to',
      String((t0 + 49_000) / 1000),
    );
    assert.match(del.stdout, /deleted samples of 1 series/);
    const compact = await sonde('storage', 'compact', '--data-dir', dir);
    assert.match(compact.stdout, /compacted/);

    const again = await openStorage({ dir, maintenanceIntervalMs: 0 });
    const q = again.querier();
    const counts = Object.fromEntries(
      [...q.select([{ type: '=', name: '__name__', value: 'up' }], 0, Date.now())].map((s) => [
        s.labels.job,
        s.t.length,
      ]),
    );
    q.close();
    await again.close();
    assert.deepEqual(counts, { node: 100, api: 50 });

    await assert.rejects(
      sonde('storage', 'delete', '--data-dir', dir, '--match', 'rate(up[5m])'),
      (err: { code: number; stderr: string }) => {
        assert.equal(err.code, 2);
        assert.match(err.stderr, /must be a series selector/);
        return true;
      },
    );
  });
});
