// A store written before integer runs could be bit-packed (block format 1,
// varint head chunks in the checkpoint: fixtures/storage-v1, made by the
// store as it was then) opens and reads back every sample, bit for bit; new
// data written beside it, flushed and compacted with the old, reads too.
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { openStorage } from '../../src/storage/db.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/storage-v1/', import.meta.url));
const T0 = 1_700_000_000_000;
const N = 3000;
/** The values the fixture was written with (series s, sample k). */
const val = (s: number, k: number) =>
  s === 0
    ? k * 0.25 + 100
    : s === 1
      ? Math.round(Math.sin(k) * 1e4) / 100
      : s === 2
        ? k % 50 === 7
          ? Number.NaN
          : k * 1.5e6
        : Math.sqrt(k);
const time = (s: number, k: number) => T0 + k * 1000 + (s === 3 ? k % 5 : 0);

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('on-disk format compatibility', () => {
  it('reads a store written in block format 1, and keeps reading it after new data is flushed and compacted with it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sonde-compat-'));
    dirs.push(dir);
    cpSync(FIXTURE, dir, { recursive: true });
    const now = () => T0 + 86_400_000;
    const check = async (n: number) => {
      const db = await openStorage({ dir, maintenanceIntervalMs: 0, now });
      const q = db.querier();
      const got = [...q.select([{ type: '=', name: '__name__', value: 'compat' }], T0, T0 + 1e9)];
      q.close();
      assert.equal(got.length, 4);
      for (const series of got) {
        const s = Number(series.labels.s);
        assert.equal(series.t.length, n, `series ${s}`);
        for (let k = 0; k < n; k++) {
          assert.equal(series.t[k], time(s, k));
          assert.ok(Object.is(series.v[k], val(s, k)), `series ${s} sample ${k}: ${series.v[k]}`);
        }
      }
      return db;
    };
    const db = await check(N);
    const a = db.appender();
    for (let k = N; k < N + 500; k++)
      for (let s = 0; s < 4; s++) a.append({ __name__: 'compat', s: String(s) }, time(s, k), val(s, k));
    await a.commit();
    await db.flush();
    for (let i = 0; i < 4; i++) await db.compact();
    await db.close();
    await (await check(N + 500)).close();
  });
});
