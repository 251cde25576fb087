// A querier sees the store as it was when it was made, whatever ingest,
// flushes and deletions do meanwhile; and random workloads read back the same
// from the embedded store as from the MemoryStorage reference, before and
// after flushes and restarts.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { openStorage } from '../../src/storage/db.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import type { Matcher, Querier, SeriesData } from '../../src/storage/types.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'sonde-consistency-'));
  dirs.push(d);
  return d;
}

const ALL: Matcher[] = [{ type: '=~', name: '__name__', value: '.+' }];
const HIST = {
  schema: 0,
  zeroThreshold: 0,
  zeroCount: 1,
  count: 3,
  sum: 2.5,
  positive: { offset: 0, counts: [1, 1] },
  negative: { offset: 0, counts: [] },
};

function dump(q: Querier, matchers: Matcher[], mint: number, maxt: number): string[] {
  return [...q.select(matchers, mint, maxt)]
    .map(
      (s: SeriesData) =>
        `${JSON.stringify(s.labels)} ${Array.from(s.t).join(',')} ${Array.from(s.v).join(',')}`,
    )
    .sort();
}

describe('read consistency', () => {
  it('a querier keeps its snapshot through appends, flushes and deletes', async () => {
    const db = await openStorage({ dir: await tempDir(), maintenanceIntervalMs: 0, now: () => 0 });
    const a = db.appender();
    for (let i = 0; i < 300; i++) a.append({ __name__: 'x', k: 'a' }, i * 1000, i);
    await a.commit();
    const q = db.querier();
    const before = dump(q, ALL, 0, 1e9);
    for (let i = 300; i < 600; i++) a.append({ __name__: 'x', k: 'a' }, i * 1000, i);
    a.append({ __name__: 'y' }, 1000, 1);
    await a.commit();
    await db.flush(200_000);
    await db.deleteSeries([{ type: '=', name: 'k', value: 'a' }], 0, 50_000);
    assert.deepEqual(dump(q, ALL, 0, 1e9), before);
    q.close();
    const now = db.querier();
    const [x] = [...now.select([{ type: '=', name: '__name__', value: 'x' }], 0, 1e9)];
    assert.equal(x.t.length, 600 - 51);
    now.close();
    await db.close();
  });

  it('the head comes back bit for bit after a clean restart: sealed, open, out-of-order, histograms', async () => {
    const dir = await tempDir();
    let db = await openStorage({ dir, maintenanceIntervalMs: 0, now: () => 0 });
    const a = db.appender();
    for (let i = 0; i < 300; i++) a.append({ __name__: 'x' }, i * 1000, i % 7 === 0 ? Number.NaN : i / 8);
    await a.commit();
    a.append({ __name__: 'x' }, 250_500, -0);
    a.append({ __name__: 'x' }, 299_500, 42);
    const h = (n: number) => ({
      schema: 3,
      zeroThreshold: 1e-9,
      zeroCount: n,
      count: n * 3,
      sum: n * 0.25,
      positive: { offset: -2, counts: [n, n * 2] },
      negative: { offset: 0, counts: [] },
    });
    for (let i = 0; i < 5; i++) a.appendHistogram({ __name__: 'lat' }, i * 1000, h(i));
    assert.equal((await a.commit()).accepted, 7);
    const read = (d: typeof db) => {
      const q = d.querier();
      const out = [...q.select(ALL, 0, 1e9)].map((s) => ({
        labels: s.labels,
        t: Array.from(s.t),
        bits: Array.from(new Uint32Array(s.v.buffer, s.v.byteOffset, s.v.length * 2)),
        ht: s.ht ? Array.from(s.ht) : [],
        h: s.h ?? [],
      }));
      q.close();
      return out;
    };
    const before = read(db);
    assert.equal(before.length, 2);
    await db.close();
    db = await openStorage({ dir, maintenanceIntervalMs: 0, now: () => 0 });
    assert.deepEqual(read(db), before);
    await db.flush();
    assert.deepEqual(read(db), before, 'and from blocks');
    await db.close();
  });

  it('rolls histogram series up: the last cumulative histogram per bucket, from head and blocks alike', async () => {
    const dir = await tempDir();
    const db = await openStorage({ dir, maintenanceIntervalMs: 0, now: () => 0 });
    const a = db.appender();
    const hist = (n: number) => ({
      schema: 0,
      zeroThreshold: 0,
      zeroCount: 0,
      count: n,
      sum: n / 2,
      positive: { offset: 0, counts: [n] },
      negative: { offset: 0, counts: [] },
    });
    for (let i = 0; i < 180; i++) a.appendHistogram({ __name__: 'lat' }, i * 1000, hist(i));
    await a.commit();
    const read = () => {
      const q = db.querier();
      const [r] = [...q.selectRollup([{ type: '=', name: '__name__', value: 'lat' }], 0, 180_000, '1m')];
      q.close();
      return { t: Array.from(r.t), counts: r.h?.map((h) => h?.count), floatCount: Array.from(r.count) };
    };
    const want = { t: [60_000, 120_000, 180_000], counts: [59, 119, 179], floatCount: [0, 0, 0] };
    assert.deepEqual(read(), want);
    await db.flush(90_000);
    assert.deepEqual(read(), want, 'a bucket split across a flush merges back');
    await db.flush();
    await db.compact();
    assert.deepEqual(read(), want);
    await db.close();
  });

  it('a size cap deletes the oldest raw blocks first, keeping the newest', async () => {
    const dir = await tempDir();
    const db = await openStorage({ dir, maintenanceIntervalMs: 0, now: () => 0, blockRangeMs: 60_000 });
    const a = db.appender();
    for (let i = 0; i < 600; i++) a.append({ __name__: 'x' }, i * 1000, Math.sin(i));
    await a.commit();
    for (let i = 0; i < 12; i++) await db.flush((i + 1) * 60_000);
    const before = db.stats().tiers[0];
    assert.ok(before.bytesOnDisk > 0);
    db.setRetention({}, Math.floor(db.stats().bytesOnDisk / 2));
    const after = db.stats();
    assert.ok(
      after.bytesOnDisk <= Math.floor(db.stats().bytesOnDisk * 2) &&
        after.tiers[0].bytesOnDisk < before.bytesOnDisk,
    );
    assert.ok((after.tiers[0].oldestMs ?? 0) > (before.oldestMs ?? 0), 'the oldest raw data went first');
    assert.equal(after.tiers[0].newestMs, before.newestMs, 'the newest raw block stays');
    await db.close();
  });

  it('label names and values for a window agree with the reference store for head data', async () => {
    const db = await openStorage({ dir: await tempDir(), maintenanceIntervalMs: 0, now: () => 0 });
    const mem = new MemoryStorage();
    for (const store of [db, mem]) {
      const a = store.appender();
      for (let i = 0; i < 30; i++) {
        a.append({ __name__: 'x', k: `k${i % 5}`, g: i < 10 ? 'early' : 'late' }, i * 10_000, i);
        if (i % 3 === 0) a.appendHistogram({ __name__: 'h', k: `h${i}` }, i * 10_000 + 5_000, HIST);
      }
      await a.commit();
    }
    const mq = mem.querier();
    const eq = db.querier();
    for (const [mint, maxt] of [
      [0, 4_000],
      [6_000, 60_000],
      [95_000, 130_000],
      [151_000, 159_000],
      [290_000, 300_000],
      [1e9, 2e9],
    ]) {
      for (const m of [undefined, [{ type: '=', name: 'g', value: 'late' }] as Matcher[]]) {
        assert.deepEqual(eq.labelNames(m, mint, maxt), mq.labelNames(m, mint, maxt));
        for (const name of ['k', 'g', '__name__'])
          assert.deepEqual(eq.labelValues(name, m, mint, maxt), mq.labelValues(name, m, mint, maxt));
      }
    }
    mq.close();
    eq.close();
    await db.close();
  });

  it('random workloads read the same as the reference store, across flushes and restarts', async () => {
    const sample = fc.record({
      s: fc.integer({ min: 0, max: 4 }),
      dt: fc.integer({ min: 1, max: 5000 }),
      v: fc.oneof(
        fc.integer({ min: -1000, max: 1000 }).map((x) => x / 100),
        fc.double({ noNaN: true }),
        fc.constant(0),
      ),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(sample, { minLength: 1, maxLength: 80 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 400_000 }),
        fc.integer({ min: 0, max: 400_000 }),
        async (batches, a0, b0) => {
          const dir = await tempDir();
          let db = await openStorage({ dir, maintenanceIntervalMs: 0, now: () => 0, blockRangeMs: 60_000 });
          const ref = new MemoryStorage();
          const clock = [0, 0, 0, 0, 0];
          for (const [bi, batch] of batches.entries()) {
            const x = db.appender();
            const y = ref.appender();
            for (const { s, dt, v } of batch) {
              clock[s] += dt;
              const labels = { __name__: `m${s % 2}`, s: String(s) };
              x.append(labels, clock[s], v);
              y.append(labels, clock[s], v);
            }
            const [rx, ry] = [await x.commit(), await y.commit()];
            assert.equal(rx.accepted, ry.accepted);
            if (bi % 2 === 0) await db.maintain();
            else {
              await db.close();
              db = await openStorage({ dir, maintenanceIntervalMs: 0, now: () => 0, blockRangeMs: 60_000 });
            }
          }
          const [mint, maxt] = [Math.min(a0, b0), Math.max(a0, b0)];
          for (const m of [ALL, [{ type: '=', name: '__name__', value: 'm1' } as Matcher]]) {
            const qx = db.querier();
            const qy = ref.querier();
            assert.deepEqual(dump(qx, m, mint, maxt), dump(qy, m, mint, maxt));
            qx.close();
            qy.close();
          }
          await db.close();
          await rm(dir, { recursive: true, force: true });
        },
      ),
      { numRuns: 25 },
    );
  });
});
