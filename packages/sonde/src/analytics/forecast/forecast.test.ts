import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitHoltWinters, forecastHoltWinters, HoltWinters, holtWintersForecast } from './holt-winters.js';
import { fitLinear, forecastLinear, predictLinear, tQuantile } from './linear.js';
import { detectPeriod } from './period.js';
import { timeToThreshold, timeToThresholdInterval } from './threshold.js';

const DAY = 86_400_000;
const STEP = 300_000;
function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
}
function gauss(r: () => number) {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}
function daily(n: number, noise: number, slopePerStep = 0, seed = 1) {
  const r = rng(seed);
  const t = Float64Array.from({ length: n }, (_, i) => i * STEP);
  const clean = (i: number) => 100 + 20 * Math.sin((2 * Math.PI * i * STEP) / DAY) + slopePerStep * i;
  const v = Float64Array.from({ length: n }, (_, i) => clean(i) + noise * gauss(r));
  return { t, v, clean };
}

describe('period detection', () => {
  it('finds a daily cycle and nothing in noise', () => {
    const { t, v } = daily(288 * 4, 2);
    assert.equal(detectPeriod(t, v)?.periodMs, DAY);
    const r = rng(2);
    assert.equal(
      detectPeriod(
        t,
        Float64Array.from(v, () => r()),
      ),
      null,
    );
  });
});

describe('linear forecast', () => {
  it('extends an exact line and covers ~95% of noisy points with its interval', () => {
    const t = Float64Array.from({ length: 100 }, (_, i) => i * 1000);
    assert.equal(
      forecastLinear(
        t,
        Float64Array.from(t, (x) => 3 + x / 1000),
        10_000,
      ),
      3 + 109,
    );
    const r = rng(5);
    const v = Float64Array.from(t, (x) => x / 1000 + gauss(r));
    const fit = fitLinear(t, v)!;
    let inside = 0;
    for (let k = 0; k < 2000; k++) {
      const at = 100_000 + k * 10;
      const p = predictLinear(fit, at);
      const y = at / 1000 + gauss(r);
      if (y >= p.lower && y <= p.upper) inside++;
    }
    assert.ok(inside / 2000 > 0.92 && inside / 2000 < 0.98, `coverage ${inside / 2000}`);
    assert.ok(Math.abs(tQuantile(0.975, 10) - 2.228) < 0.01);
  });
});

describe('Holt–Winters', () => {
  it('forecasts a trending daily cycle an hour ahead far better than its noise-free amplitude', () => {
    const { t, v, clean } = daily(288 * 6, 1, 0.01);
    const f = holtWintersForecast(t, v, 3_600_000)!;
    assert.equal(f.periodMs, DAY);
    assert.equal(f.points.length, 12);
    const n = t.length;
    for (let h = 1; h <= 12; h++) {
      const p = f.points[h - 1];
      assert.ok(Math.abs(p.value - clean(n - 1 + h)) < 3, `h=${h} ${p.value} vs ${clean(n - 1 + h)}`);
      assert.ok(p.lower < p.value && p.upper > p.value);
    }
    assert.ok(Number.isFinite(forecastHoltWinters(t, v, 600_000)));
  });
  it('gives the same intervals as the h-step variance formula', () => {
    const { t, v } = daily(288 * 3, 1, 0.01);
    const f = holtWintersForecast(t, v, 2 * DAY)!;
    const hw = new HoltWinters(Math.round(DAY / STEP), f.params);
    for (let i = 0; i < v.length; i++) hw.update(v[i]);
    for (const h of [1, 2, 100, 288, 289, 576]) {
      const p = f.points[h - 1];
      assert.ok(Math.abs(p.upper - p.value - hw.interval(h)) < 1e-9 * (1 + hw.interval(h)), `h=${h}`);
    }
  });
  it('keeps a long horizon at a fine step within the points limit, coarsening and saying so', () => {
    // A day of 1-second samples, forecast 30 days ahead: 2.6 million steps at the data's step.
    const n = 86_400;
    const t = Float64Array.from({ length: n }, (_, i) => 1e12 + i * 1000);
    const v = Float64Array.from({ length: n }, (_, i) => 50 + i * 1e-4 + Math.sin(i / 100));
    const horizon = 30 * DAY;
    const f = holtWintersForecast(t, v, horizon)!;
    assert.ok(f.points.length <= 11_000, `${f.points.length} points`);
    assert.ok(f.points.length >= 10_000, `${f.points.length} points`);
    assert.ok(f.stepMs >= horizon / 11_000, `step ${f.stepMs}`);
    assert.match(f.note ?? '', /11000 points per series/);
    const lastT = f.points[f.points.length - 1].t;
    assert.ok(Math.abs(lastT - (t[n - 1] + horizon)) <= f.stepMs, 'the forecast reaches the horizon');
    // The rising trend is kept (the data end near 58.6; the line reaches ~318).
    const got = f.points[f.points.length - 1].value;
    assert.ok(got > 150 && got < 600, `trend kept: ${got}`);
    // A short horizon at the same data is not coarsened.
    const short = holtWintersForecast(t, v, 60_000)!;
    assert.equal(short.stepMs, 1000);
    assert.equal(short.points.length, 60);
    assert.equal(short.note, undefined);
    // The PromQL function needs only the last point: not coarsened, still bounded.
    assert.ok(Number.isFinite(forecastHoltWinters(t, v, horizon)));
    // A horizon beyond any sense: no forecast rather than unbounded work.
    assert.equal(holtWintersForecast(t, v, 1e15), null);
  });
  it('without seasonality is Holt linear and follows a trend', () => {
    const hw = new HoltWinters(0, fitHoltWinters([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0));
    for (let i = 1; i <= 10; i++) hw.update(i);
    assert.ok(Math.abs(hw.forecast(5) - 15) < 0.5, `${hw.forecast(5)}`);
  });
});

describe('time to threshold', () => {
  it('estimates when a filling disk is full, with an interval around it', () => {
    const r = rng(9);
    const t = Float64Array.from({ length: 24 * 14 }, (_, i) => i * 3_600_000); // two weeks, hourly
    const v = Float64Array.from(t, (x) => 50 + x / DAY + 0.3 * gauss(r)); // +1 GB/day from 50 GB
    const eta = timeToThresholdInterval(t, v, 100)!;
    const expected = (100 - 50 - 14 + 1 / 24) * 86400; // from the last sample
    assert.ok(Math.abs(eta.seconds - expected) / expected < 0.05, `${eta.seconds / 86400} days`);
    assert.ok(eta.lowerSeconds < eta.seconds && eta.upperSeconds > eta.seconds);
    assert.equal(timeToThresholdInterval(t, v, 55), null); // above it and rising: moving away
    const falling = Float64Array.from(v, (x) => 200 - x);
    assert.equal(timeToThreshold(t, falling, 190), Number.POSITIVE_INFINITY); // moving away
    assert.ok(timeToThreshold(t, falling, 50) > 0);
  });
});
