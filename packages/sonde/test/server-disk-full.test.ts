// A full disk: ingest is refused with 503 and a clear message, queries keep
// working, and ingest comes back by itself when space returns. The data
// directory is a small tmpfs mounted by the test (CI runs as root).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, rmdir, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeWriteRequest } from '../src/forward/index.js';
import { snappyCompress } from '../src/ingest/index.js';
import { startSondeProcess, waitFor } from './support/sonde-process.js';

let mountPoint = '';
before(async () => {
  mountPoint = await mkdtemp(join(tmpdir(), 'sonde-diskfull-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mountPoint]);
});
after(async () => {
  execFileSync('umount', [mountPoint]);
  await rmdir(mountPoint);
});

function write(url: string, t: number) {
  const body = snappyCompress(
    encodeWriteRequest(
      Array.from({ length: 200 }, (_, i) => ({
        labels: { __name__: 'disk_full_test', i: String(i) },
        t: [t],
        v: new Float64Array([i]),
      })),
    ),
  );
  return fetch(`${url}/api/v1/write`, {
    method: 'POST',
    body,
    headers: { 'content-encoding': 'snappy', 'content-type': 'application/x-protobuf' },
  });
}

describe('disk full', () => {
  it('refuses ingest with 503, keeps answering queries, and recovers when space returns', async () => {
    const dataDir = join(mountPoint, 'data');
    const sonde = await startSondeProcess(['--data-dir', dataDir]);
    const filler = join(mountPoint, 'filler');
    try {
      let t = Date.now() - 60_000;
      assert.equal((await write(sonde.url, t++)).status, 204);
      // Fill what is left of the disk.
      await writeFile(filler, Buffer.alloc(8 * 1024 * 1024)).catch(() => undefined);
      const refused = await waitFor('ingest to be refused', async () => {
        const r = await write(sonde.url, t++);
        return r.status === 204 ? undefined : r;
      });
      assert.equal(refused.status, 503);
      assert.match(await refused.text(), /disk|space|ENOSPC/i);
      const q = await fetch(`${sonde.url}/api/v1/query?query=count(disk_full_test)`);
      assert.equal(q.status, 200, 'queries keep working');
      assert.equal((await fetch(`${sonde.url}/-/healthy`)).status, 200);

      await unlink(filler);
      await waitFor('ingest to recover', async () =>
        (await write(sonde.url, t++)).status === 204 ? true : undefined,
      );
    } finally {
      await unlink(filler).catch(() => undefined);
      await sonde.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
