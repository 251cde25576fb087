import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createQueryEngine } from '../query/index.js';
import { MemoryStorage } from '../storage/index.js';
import { registerAnalyticsFunctions } from './promql-functions.js';

registerAnalyticsFunctions();

async function store(): Promise<MemoryStorage> {
  const s = new MemoryStorage();
  const a = s.appender();
  for (let i = 0; i <= 600; i++) {
    a.append({ __name__: 'disk_used', mount: '/' }, i * 1000, 100 + i * 2); // +2 per second
    a.append({ __name__: 'flat', k: 'v' }, i * 1000, i === 600 ? 500 : 10 + (i % 3));
  }
  await a.commit();
  return s;
}

async function value(expr: string, at = 600_000): Promise<number> {
  const engine = createQueryEngine(await store());
  const r = await engine.instant(expr, at);
  assert.equal(r.type, 'vector');
  if (r.type !== 'vector') throw new Error('not a vector');
  assert.equal(r.samples.length, 1, expr);
  return r.samples[0].v;
}

describe('PromQL analytics extensions', () => {
  it('trend_slope gives the slope per second', async () =>
    assert.ok(Math.abs((await value('trend_slope(disk_used[5m])')) - 2) < 1e-9));
  it('forecast_linear extends the trend', async () =>
    assert.ok(Math.abs((await value('forecast_linear(disk_used[5m], 100)')) - 1500) < 1e-6));
  it('time_to_threshold says when the trend crosses the threshold', async () =>
    assert.ok(Math.abs((await value('time_to_threshold(disk_used[5m], 2300)')) - 500) < 1e-6));
  it('forecast_holt_winters forecasts a trend', async () => {
    const v = await value('forecast_holt_winters(disk_used[5m], 60)');
    assert.ok(Math.abs(v - 1420) < 20, String(v));
  });
  it('anomaly_score is high for a spike and low for the usual', async () => {
    assert.ok((await value('anomaly_score(flat[10m])')) > 0.5);
    assert.ok((await value('anomaly_score(flat[10m])', 599_000)) < 0.5);
  });
  it('drops __name__ like other range functions', async () => {
    const engine = createQueryEngine(await store());
    const r = await engine.instant('trend_slope(disk_used[5m])', 600_000);
    assert.ok(
      r.type === 'vector' && r.samples[0].labels.__name__ === undefined && r.samples[0].labels.mount === '/',
    );
  });
});
