import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Counter, Gauge, Histogram, Registry, Summary, sdkStats, timed } from './index.js';

const reg = () => new Registry();

describe('metric API beyond prom-client', () => {
  it('a bound child keeps its own state and survives remove/reset', async () => {
    const r = reg();
    const c = new Counter({ name: 'c_total', help: 'h', labelNames: ['a'], registers: [r] });
    const child = c.labels('x');
    child.inc(2);
    assert.equal(c.labels({ a: 'x' }), child);
    c.remove('x');
    assert.doesNotMatch(await r.metrics(), /c_total\{a="x"\}/);
    child.inc();
    assert.match(await r.metrics(), /c_total\{a="x"\} 1\n/);
    c.reset();
    assert.doesNotMatch(await r.metrics(), /a="x"/);
    c.inc({ a: 'x' }, 5);
    child.inc();
    assert.match(await r.metrics(), /c_total\{a="x"\} 6\n/);
  });

  it('numbers and strings as label values are the same series', () => {
    const c = new Counter({ name: 'n_total', help: 'h', labelNames: ['code'], registers: [] });
    c.inc({ code: 200 });
    c.inc({ code: '200' });
    assert.equal(c.labels('200').get(), 2);
  });

  it('folds label sets past maxSeries into one overflow="true" series and warns once', async () => {
    const warnings: string[] = [];
    const onWarn = (w: Error & { code?: string }) => {
      if (w.code === 'SONDE_CARDINALITY') warnings.push(w.message);
    };
    process.on('warning', onWarn);
    const r = reg();
    const c = new Counter({
      name: 'guard_total',
      help: 'h',
      labelNames: ['user'],
      maxSeries: 3,
      registers: [r],
    });
    const before = sdkStats.overflowedSeries;
    for (let i = 0; i < 10; i++) c.inc({ user: `u${i}` });
    const text = await r.metrics();
    assert.equal(text.split('\n').filter((l) => l.startsWith('guard_total')).length, 4);
    assert.match(text, /guard_total\{overflow="true"\} 7\n/);
    assert.equal(sdkStats.overflowedSeries - before, 7);
    await new Promise((res) => setImmediate(res));
    process.off('warning', onWarn);
    assert.equal(warnings.length, 1);
    // the default limit is 10,000
    assert.equal(new Counter({ name: 'd_total', help: 'h', registers: [] }).maxSeries, 10_000);
  });

  it('ignores and counts NaN/Infinity/non-number observations; negative counter inc throws', () => {
    const h = new Histogram({ name: 'h_seconds', help: 'h', registers: [] });
    const c = new Counter({ name: 'x_total', help: 'h', registers: [] });
    const before = sdkStats.invalidValues;
    h.observe(Number.NaN);
    h.observe(Number.POSITIVE_INFINITY);
    h.observe('3' as unknown as number);
    c.inc(Number.NaN);
    c.inc(Number.POSITIVE_INFINITY);
    assert.equal(sdkStats.invalidValues - before, 5);
    assert.equal(h.labels().count, 0);
    assert.throws(() => c.inc(-1), /decrease/);
    assert.equal(c.labels().get(), 0);
  });

  it('repairs bad label values (lone surrogates, overlong) instead of throwing', async () => {
    const r = reg();
    const c = new Counter({ name: 'lv_total', help: 'h', labelNames: ['v'], registers: [r] });
    c.inc({ v: 'a\uD800b' });
    c.inc({ v: 'x'.repeat(5000) });
    const text = await r.metrics();
    assert.match(text, /lv_total\{v="a\uFFFDb"\} 1/);
    assert.ok(text.includes(`v="${'x'.repeat(1024)}"`));
  });

  it('throws clear TypeErrors at definition time', () => {
    assert.throws(() => new Counter({ name: 'a-b', help: 'h', registers: [] }), /invalid metric name "a-b"/);
    assert.throws(
      () => new Counter({ name: 'ok', help: 'h', labelNames: ['__x'], registers: [] }),
      /reserved/,
    );
    assert.throws(
      () => new Counter({ name: 'ok', help: 'h', labelNames: ['a', 'a'], registers: [] }),
      /twice/,
    );
    assert.throws(
      () => new Histogram({ name: 'ok', help: 'h', buckets: [1, 'x' as never], registers: [] }),
      TypeError,
    );
    assert.throws(() => new Summary({ name: 'ok', help: 'h', percentiles: [2], registers: [] }), TypeError);
    assert.throws(() => new Counter(undefined as never), TypeError);
    assert.throws(
      () => new Histogram({ name: 'ok', help: 'h', sketch: { scale: 9 }, registers: [] }),
      TypeError,
    );
  });

  it('histogram percentiles are within 1% per series and merged', () => {
    const h = new Histogram({ name: 'p_seconds', help: 'h', labelNames: ['r'], registers: [] });
    for (let i = 1; i <= 10000; i++) h.observe({ r: i % 2 ? 'odd' : 'even' }, i / 1000);
    const within = (est: number, exact: number) => Math.abs(est - exact) / exact <= 0.01;
    assert.ok(within(h.percentile(0.5), 5), `${h.percentile(0.5)}`);
    assert.ok(within(h.percentile(0.99), 9.9), `${h.percentile(0.99)}`);
    assert.ok(within(h.percentile(0.5, { r: 'odd' }), 4.999));
    assert.equal(h.labels('odd').toHistogramSample().count, 5000);
  });

  it('times sync and async functions, startTimer, using, and @timed', async () => {
    const h = new Histogram({ name: 't_seconds', help: 'h', labelNames: ['op'], registers: [] });
    assert.equal(
      h.time(() => 42, { op: 'sync' }),
      42,
    );
    assert.equal(await h.time(async () => 'v', { op: 'async' }), 'v');
    await assert.rejects(
      h.time(() => Promise.reject(new Error('boom')), { op: 'async' }),
      /boom/,
    );
    assert.throws(
      () =>
        h.time(
          () => {
            throw new Error('sync boom');
          },
          { op: 'sync' },
        ),
      /sync boom/,
    );
    assert.equal(h.labels('sync').count, 2);
    assert.equal(h.labels('async').count, 2);

    const end = h.startTimer({ op: 'st' });
    await new Promise((r) => setTimeout(r, 20));
    const secs = end();
    assert.ok(secs >= 0.015, `${secs}`);

    {
      using t = h.timer({ op: 'using' });
      void t;
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(h.labels('using').count, 1);
    assert.ok(h.labels('using').sum >= 0.004);

    const db = h.labels('decorated');
    class Repo {
      calls = 0;
      @timed(db)
      async find(id: string) {
        this.calls++;
        return `row ${id}`;
      }
      @timed(db)
      sync(n: number) {
        return n * 2;
      }
    }
    const repo = new Repo();
    assert.equal(await repo.find('7'), 'row 7');
    assert.equal(repo.sync(4), 8);
    assert.equal(repo.calls, 1);
    assert.equal(db.count, 2);
  });

  it('gauges: set/inc/dec/setToCurrentTime/startTimer, NaN allowed for set', async () => {
    const r = reg();
    const g = new Gauge({ name: 'g', help: 'h', registers: [r] });
    g.set(Number.NaN);
    assert.match(await r.metrics(), /^g NaN$/m);
    g.setToCurrentTime();
    assert.ok(Math.abs(g.labels().get() - Date.now() / 1000) < 5);
    const end = g.startTimer();
    assert.ok(end() >= 0);
  });

  it('summaries slide their window', async () => {
    const s = new Summary({ name: 's', help: 'h', maxAgeSeconds: 0.2, ageBuckets: 2, registers: [] });
    s.observe(100);
    assert.equal(s.percentile(0.5), 100);
    await new Promise((r) => setTimeout(r, 250));
    assert.ok(Number.isNaN(s.percentile(0.5)));
    assert.equal(s.labels().count, 1);
  });

  it('collect() may be async and runs before every scrape', async () => {
    const r = reg();
    let n = 0;
    new Gauge({
      name: 'async_g',
      help: 'h',
      registers: [r],
      async collect() {
        await new Promise((res) => setTimeout(res, 1));
        this.set(++n);
      },
    });
    assert.match(await r.metrics(), /async_g 1/);
    assert.match(await r.metrics(), /async_g 2/);
  });

  it('writes OpenMetrics with units and counter families without _total', async () => {
    const r = new Registry(Registry.OPENMETRICS_CONTENT_TYPE);
    new Counter({ name: 'bytes_sent_bytes_total', help: 'h "q"', unit: 'bytes', registers: [r] }).inc(3);
    new Histogram({ name: 'rt_seconds', help: 'h', unit: 'seconds', buckets: [1], registers: [r] }).observe(
      0.5,
    );
    const text = await r.metrics();
    assert.match(
      text,
      /# TYPE bytes_sent_bytes counter\n# UNIT bytes_sent_bytes bytes\n# HELP bytes_sent_bytes h \\"q\\"\nbytes_sent_bytes_total 3\n/,
    );
    assert.match(text, /# UNIT rt_seconds seconds\n/);
    assert.ok(text.endsWith('# EOF\n'));
    assert.equal(await r.metricsAs('text'), await r.metricsAs('text'));
    assert.match(await r.metricsAs('text'), /# TYPE bytes_sent_bytes_total counter/);
  });
});
