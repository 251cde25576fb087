import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openStorage } from './db.js';
import { STALE_NAN, STALE_NAN_BITS_HI, STALE_NAN_BITS_LO, isStaleNaN } from './labels.js';
import type { Labels, Storage } from './types.js';
import { ByteReader, ByteWriter, REC_SERIES, readLabels, seriesRecord } from './wal-records.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function dir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'sonde-appender-'));
  dirs.push(d);
  return d;
}

function read(store: Storage, name: string): { labels: Labels; t: number[]; v: number[] }[] {
  const q = store.querier();
  try {
    return [...q.select([{ type: '=', name: '__name__', value: name }], 0, 1e15)].map((s) => ({
      labels: s.labels,
      t: [...s.t],
      v: [...s.v],
    }));
  } finally {
    q.close();
  }
}

describe('embedded appender', () => {
  it('appendRef hands back a handle that later appends use, and falls back to the labels once it is stale', async () => {
    const store = await openStorage({ dir: await dir(), maintenanceIntervalMs: 0 });
    const t0 = Date.now() - 60_000;
    const labels = { __name__: 'up', job: 'a' };
    const app = store.appender();
    assert.ok(app.appendRef);
    const ref = app.appendRef(null, labels, t0, 1);
    assert.ok(ref);
    assert.equal(app.appendRef(ref, labels, t0 + 1000, 2), ref);
    assert.equal((await app.commit()).accepted, 2);
    // the series is deleted: the handle no longer counts, the labels make a new series
    assert.equal(await store.deleteSeries([{ type: '=', name: '__name__', value: 'up' }]), 1);
    const ref2 = app.appendRef(ref, labels, t0 + 2000, 3);
    assert.ok(ref2 && ref2 !== ref);
    assert.equal((await app.commit()).accepted, 1);
    assert.deepEqual(read(store, 'up'), [{ labels, t: [t0 + 2000], v: [3] }]);
    // labels that cannot be stored: no handle, counted invalid
    assert.equal(app.appendRef(null, { job: 'no name' }, t0, 1), null);
    assert.equal((await app.commit()).invalid, 1);
    await store.close();
  });

  it('inserts out-of-order samples in place, stale markers bit-exact, and finds duplicates among them', async () => {
    const store = await openStorage({ dir: await dir(), maintenanceIntervalMs: 0 });
    const t0 = Date.now() - 60_000;
    const labels = { __name__: 'ooo' };
    const app = store.appender();
    for (const dt of [0, 10_000]) app.append(labels, t0 + dt, dt);
    await app.commit();
    for (const [dt, v] of [
      [5000, STALE_NAN],
      [2000, 2],
      [7000, 7],
      [-1000, -1],
    ] as const)
      app.append(labels, t0 + dt, v);
    assert.equal((await app.commit()).accepted, 4);
    app.append(labels, t0 + 7000, 7);
    app.append(labels, t0 + 2000, 3);
    const again = await app.commit();
    assert.deepEqual([again.accepted, again.duplicate], [0, 1]);
    const [s] = read(store, 'ooo');
    assert.deepEqual(
      s.t.map((t) => t - t0),
      [-1000, 0, 2000, 5000, 7000, 10_000],
    );
    assert.deepEqual([s.v[0], s.v[1], s.v[2], s.v[4], s.v[5]], [-1, 0, 2, 7, 10_000]);
    assert.ok(isStaleNaN(s.v[3]));
    // the stored bits, read without passing through a JS number
    const q = store.querier();
    const [raw] = [...q.select([{ type: '=', name: '__name__', value: 'ooo' }], 0, 1e15)];
    q.close();
    const words = new Uint32Array(raw.v.buffer, raw.v.byteOffset, raw.v.length * 2);
    assert.deepEqual([words[7] & ~0x00080000, words[6]], [STALE_NAN_BITS_HI, STALE_NAN_BITS_LO]);
    await store.close();
  });

  it('logs label names and values beyond ASCII and reads them back after a restart', async () => {
    const labels = { __name__: 'temp', city: 'Zürich', note: '温度 🌡', plain: 'x'.repeat(300) };
    const w = new ByteWriter(4);
    seriesRecord(w, 7, labels);
    const r = new ByteReader(w.finish());
    assert.equal(r.u8(), REC_SERIES);
    assert.equal(r.uvarint(), 7);
    assert.deepEqual(readLabels(r), labels);
    const d = await dir();
    const t0 = Date.now() - 60_000;
    let store = await openStorage({ dir: d, maintenanceIntervalMs: 0 });
    const app = store.appender();
    app.append(labels, t0, 21.5);
    await app.commit();
    await store.close();
    store = await openStorage({ dir: d, maintenanceIntervalMs: 0 });
    assert.deepEqual(read(store, 'temp'), [{ labels, t: [t0], v: [21.5] }]);
    await store.close();
  });
});
