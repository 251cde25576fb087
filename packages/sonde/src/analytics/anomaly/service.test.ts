import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStorage } from '../../storage/memory.js';
import type { Labels, SeriesData } from '../../storage/types.js';
import { AnomalyService } from './service.js';

const SEC = 1000;
const T0 = Date.UTC(2026, 0, 1);

function select(storage: MemoryStorage, name: string): SeriesData[] {
  const q = storage.querier();
  try {
    return [...q.select([{ type: '=', name: '__name__', value: name }], 0, Number.MAX_SAFE_INTEGER)];
  } finally {
    q.close();
  }
}

describe('AnomalyService', () => {
  it('scores new samples each tick and writes scores and anomaly rates', async () => {
    const storage = new MemoryStorage();
    let now = T0;
    const svc = new AnomalyService({ storage, now: () => now, backfillMs: 10 * 60 * SEC });
    const a: Labels = { __name__: 'cpu', instance: 'h1', job: 'api' };
    const b: Labels = { __name__: 'cpu', instance: 'h2', job: 'api' };
    for (let step = 0; step < 6; step++) {
      const app = storage.appender();
      for (let i = 0; i < 100; i++) {
        const k = step * 100 + i;
        const t = T0 + k * SEC;
        app.append(a, t, 50 + ((k * 7) % 5) + (k === 599 ? 90 : 0));
        app.append(b, t, 20 + ((k * 3) % 4));
      }
      await app.commit();
      now = T0 + (step * 100 + 99) * SEC;
      const stats = await svc.tick();
      assert.equal(stats.series, 2);
      assert.equal(stats.points, 200); // each sample scored exactly once
    }
    const scores = select(storage, 'sonde_anomaly_score');
    assert.equal(scores.length, 2);
    const sa = scores.find((s) => s.labels.instance === 'h1')!;
    assert.equal(sa.labels.metric, 'cpu');
    assert.equal(sa.t[sa.t.length - 1], T0 + 599 * SEC);
    assert.ok(sa.v[sa.v.length - 1] >= 0.5, `spike score ${sa.v[sa.v.length - 1]}`);
    const rates = select(storage, 'sonde_anomaly_rate');
    const host = rates.find((r) => r.labels.instance === 'h1')!;
    const app = rates.find((r) => r.labels.job === 'api')!;
    assert.equal(host.v[host.v.length - 1], 1);
    assert.equal(app.v[app.v.length - 1], 0.5);
    assert.equal(svc.seriesTracked, 2);
    assert.ok(svc.stateBytes < 2 * 4096);
  });

  it('caps the series it tracks and drops idle ones', async () => {
    const storage = new MemoryStorage();
    let now = T0 + 10 * SEC;
    const app = storage.appender();
    for (let i = 0; i < 5; i++) app.append({ __name__: 'm', i: String(i) }, T0, i);
    await app.commit();
    const svc = new AnomalyService({ storage, now: () => now, maxSeries: 3, idleMs: 60 * SEC });
    const stats = await svc.tick();
    assert.equal(stats.skipped, 2);
    assert.equal(svc.seriesTracked, 3);
    now += 120 * SEC;
    await svc.tick();
    assert.equal(svc.seriesTracked, 0);
  });
});
