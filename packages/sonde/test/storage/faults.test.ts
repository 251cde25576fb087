// Faults: a corrupt chunk or block is reported, set aside and skipped; a torn
// log tail is cut off; a full disk refuses writes with a clear error while
// reads go on, and writes work again once space returns.
import assert from 'node:assert/strict';
import {
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openStorage } from '../../src/storage/db.js';
import type { Matcher } from '../../src/storage/types.js';
import { realIo, type WalIo } from '../../src/storage/wal.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'sonde-faults-'));
  dirs.push(d);
  return d;
}

const ALL: Matcher[] = [{ type: '=~', name: '__name__', value: '.+' }];

function collectLogs() {
  const lines: { level: string; msg: string }[] = [];
  const mk = (level: string) => (obj: unknown, msg?: string) =>
    lines.push({ level, msg: typeof obj === 'string' ? obj : (msg ?? '') });
  const logger = { info: mk('info'), warn: mk('warn'), error: mk('error'), debug: mk('debug') };
  return { lines, logger: logger as never };
}

async function seed(dir: string, series: number, samples: number) {
  const db = await openStorage({ dir, maintenanceIntervalMs: 0, now: () => 0 });
  const a = db.appender();
  for (let s = 0; s < series; s++) {
    for (let i = 0; i < samples; i++) a.append({ __name__: `m${s}`, k: String(s) }, i * 1000, i + s / 10);
  }
  await a.commit();
  await db.flush();
  await db.close();
}

describe('storage faults', () => {
  it('reports a corrupt chunk, skips it and keeps serving the rest', async () => {
    const dir = await tempDir();
    await seed(dir, 20, 500);
    const raw = readdirSync(join(dir, 'blocks')).find((f) => f.startsWith('raw-'))!;
    const path = join(dir, 'blocks', raw);
    // flip bytes early in the data section (chunk blobs come first)
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.from([0xde, 0xad, 0xbe, 0xef]), 0, 4, 200);
    closeSync(fd);
    const { lines, logger } = collectLogs();
    const db = await openStorage({ dir, maintenanceIntervalMs: 0, logger, now: () => 0 });
    const q = db.querier();
    const got = [...q.select(ALL, 0, 1e9)];
    q.close();
    assert.ok(got.length >= 18 && got.length < 20, `${got.length} series survive`);
    for (const s of got) assert.equal(s.t.length, 500);
    assert.ok(db.faults.corruptChunks >= 1);
    assert.ok(lines.some((l) => l.level === 'error' && /corrupt chunk/.test(l.msg)));
    await db.close();
  });

  it('sets a block with a damaged index aside and opens without it', async () => {
    const dir = await tempDir();
    await seed(dir, 5, 100);
    const raw = readdirSync(join(dir, 'blocks')).find((f) => f.startsWith('raw-'))!;
    const path = join(dir, 'blocks', raw);
    truncateSync(path, statSync(path).size - 3);
    const db = await openStorage({ dir, maintenanceIntervalMs: 0, now: () => 0 });
    assert.equal(db.faults.corruptBlocks, 1);
    assert.ok(readdirSync(join(dir, 'blocks')).some((f) => f.endsWith('.corrupt')));
    const q = db.querier();
    assert.equal([...q.select(ALL, 0, 1e9)].length, 0);
    q.close();
    await db.close();
  });

  it('cuts off a torn log tail and keeps every record before it', async () => {
    const dir = await tempDir();
    const db = await openStorage({ dir, maintenanceIntervalMs: 0, now: () => 0 });
    for (let i = 0; i < 10; i++) {
      const a = db.appender();
      a.append({ __name__: 'x' }, i * 1000, i);
      await a.commit();
    }
    // abandon without close, then tear the last record in half
    const seg = join(dir, 'wal', readdirSync(join(dir, 'wal')).sort().pop()!);
    const bytes = readFileSync(seg);
    writeFileSync(seg, bytes.subarray(0, bytes.length - 5));
    const { lines, logger } = collectLogs();
    const again = await openStorage({ dir, maintenanceIntervalMs: 0, logger, now: () => 0 });
    const q = again.querier();
    const [s] = [...q.select(ALL, 0, 1e9)];
    q.close();
    assert.deepEqual(Array.from(s.v), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(again.faults.walCorruptRecords, 1);
    assert.ok(lines.some((l) => /torn or corrupt/.test(l.msg)));
    await again.close();
  });

  it('refuses writes with a disk-full error, keeps serving reads, and recovers when space returns', async () => {
    const dir = await tempDir();
    let full = false;
    const io: WalIo = {
      write: (fd, buf, cb) => {
        if (!full) return realIo.write(fd, buf, cb);
        // part of the group reaches the disk before space runs out
        realIo.write(fd, buf.subarray(0, Math.min(3, buf.length)), () => {
          const err = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
          cb(err, 0);
        });
      },
      fdatasync: realIo.fdatasync,
    };
    const db = await openStorage({ dir, maintenanceIntervalMs: 0, walIo: io, now: () => 0 });
    const a = db.appender();
    a.append({ __name__: 'up' }, 1000, 1);
    await a.commit();
    full = true;
    a.append({ __name__: 'up' }, 2000, 2);
    await assert.rejects(a.commit(), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ENOSPC');
      assert.match(err.message, /disk full/);
      return true;
    });
    const q = db.querier();
    assert.deepEqual(
      Array.from([...q.select(ALL, 0, 1e9)][0].v),
      [1],
      'reads work; the refused sample is absent',
    );
    q.close();
    full = false;
    a.append({ __name__: 'up' }, 3000, 3);
    assert.equal((await a.commit()).accepted, 1);
    await db.close();
    const again = await openStorage({ dir, maintenanceIntervalMs: 0, now: () => 0 });
    const q2 = again.querier();
    assert.deepEqual(Array.from([...q2.select(ALL, 0, 1e9)][0].v), [1, 3], 'the log holds no torn record');
    assert.equal(again.faults.walCorruptRecords, 0);
    q2.close();
    await again.close();
  });
});
