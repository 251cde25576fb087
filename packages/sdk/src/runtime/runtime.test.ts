import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { Registry } from '../registry.js';
import { collectDefaultMetrics, metricsList } from './index.js';

const promClient = createRequire(import.meta.url)('prom-client');

function names(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .filter((l) => l.startsWith('# TYPE '))
      .map((l) => l.split(' ')[2]),
  );
}

describe('collectDefaultMetrics', () => {
  it('gives every metric prom-client gives, and more', async () => {
    const theirs = new promClient.Registry();
    promClient.collectDefaultMetrics({ register: theirs });
    const ours = new Registry();
    collectDefaultMetrics({ register: ours });
    await new Promise((r) => setTimeout(r, 30));
    const theirNames = names(await theirs.metrics());
    const ourNames = names(await ours.metrics());
    // prom-client's three gauges named *_total are *_all here (promtool rejects a gauge named _total)
    const renamed = (n: string) =>
      n.replace(/^(nodejs_active_(?:handles|requests|resources))_total$/, '$1_all');
    for (const n of theirNames) assert.ok(ourNames.has(renamed(n)), `missing ${n}`);
    for (const extra of [
      'nodejs_eventloop_utilization_ratio',
      'nodejs_eventloop_lag_p999_seconds',
      'nodejs_v8_version_info',
      'nodejs_active_handles',
      'sonde_sdk_invalid_values_total',
    ]) {
      assert.ok(ourNames.has(extra), `missing ${extra}`);
    }
    for (const n of ourNames) assert.ok(metricsList.includes(n), `${n} not in metricsList`);
  });

  it('applies prefix and labels, and can keep prom-client names', async () => {
    const reg = new Registry();
    collectDefaultMetrics({
      register: reg,
      prefix: 'app_',
      labels: { service: 'api' },
      promClientNames: true,
    });
    const text = await reg.metrics();
    assert.match(text, /^app_process_cpu_seconds_total\{service="api"\} [\d.e-]+$/m);
    assert.match(
      text,
      /^app_nodejs_version_info\{version="v\d+\.\d+\.\d+",major="\d+",minor="\d+",patch="\d+",service="api"\} 1$/m,
    );
    assert.match(text, /^# TYPE app_nodejs_active_handles_total gauge$/m);
  });

  it('records GC pauses by kind and event loop utilization', async () => {
    const reg = new Registry();
    collectDefaultMetrics({ register: reg });
    // allocate enough to cause minor GCs
    let keep: unknown[] = [];
    for (let i = 0; i < 1_000_000; i++) {
      keep.push({ i, s: `x${i}` });
      if (keep.length > 10_000) keep = [];
    }
    await new Promise((r) => setTimeout(r, 50));
    const text = await reg.metrics();
    assert.match(
      text,
      /^nodejs_gc_duration_seconds_count\{kind="(minor|major|incremental|weakcb)"\} [1-9]\d*$/m,
    );
    const elu = /^nodejs_eventloop_utilization_ratio ([\d.e-]+)$/m.exec(text);
    assert.ok(elu && Number(elu[1]) >= 0 && Number(elu[1]) <= 1);
  });

  it('exposes what the SDK ignored or repaired', async () => {
    const reg = new Registry();
    collectDefaultMetrics({ register: reg });
    const read = async () => Number(/^sonde_sdk_invalid_values_total (\d+)$/m.exec(await reg.metrics())![1]);
    const before = await read();
    const { Histogram } = await import('../histogram.js');
    new Histogram({ name: 'h', help: 'h', registers: [] }).observe(Number.NaN);
    assert.equal(await read(), before + 1);
  });

  it('rejects a bad configuration', () => {
    assert.throws(() => collectDefaultMetrics('x' as never), TypeError);
    assert.throws(() => collectDefaultMetrics({ register: new Registry(), prefix: 'bad-' }), TypeError);
    assert.throws(
      () => collectDefaultMetrics({ register: new Registry(), labels: { 'bad-label': 'x' } }),
      TypeError,
    );
  });
});
