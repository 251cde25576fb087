import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Cusum } from './cusum.js';
import { detectCsv, parseTimestamp } from './csv.js';
import { AnomalyDetector } from './ensemble.js';
import { RollingWindow } from './rolling-window.js';
import { SeasonalProfile } from './seasonality.js';
import { anomalyScore, scoreSeries } from './series.js';
import { TransitionSurprise } from './sequence.js';
import { TailCalibrator } from './tail-calibrator.js';

const DAY = 86_400_000;
const STEP = 300_000; // 5 minutes

function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
}
function gauss(r: () => number) {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}
const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

describe('RollingWindow', () => {
  it('keeps median and MAD of the last W values exactly (float32)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 20 }),
        (xs, w) => {
          const win = new RollingWindow(w);
          for (const x of xs) win.push(x);
          const last = xs.slice(-w);
          const m = median(last);
          assert.equal(win.median(), m);
          assert.equal(win.mad(m), median(last.map((x) => Math.abs(x - m))));
          assert.equal(win.quantile(0), Math.min(...last));
          assert.equal(win.quantile(1), Math.max(...last));
        },
      ),
    );
  });
});

describe('Cusum', () => {
  it('stays near 0 on noise and grows after a 1σ level shift', () => {
    const r = rng(1);
    const c = new Cusum(0.5);
    let maxBefore = 0;
    for (let i = 0; i < 500; i++) maxBefore = Math.max(maxBefore, c.update(gauss(r) * 0.3));
    let after = 0;
    for (let i = 0; i < 30; i++) after = c.update(1 + gauss(r) * 0.3);
    assert.ok(maxBefore < 2, `noise drove CUSUM to ${maxBefore}`);
    assert.ok(after > 10 && c.direction === 1);
  });
});

describe('TailCalibrator', () => {
  it('tracks a quantile within its bin resolution', () => {
    const k = new TailCalibrator(1e9);
    for (let i = 1; i <= 1000; i++) k.add(i / 100); // uniform 0.01..10
    const q = k.quantile(0.9);
    assert.ok(Math.abs(q - 9) < 0.9, `q90=${q}`);
  });
});

describe('SeasonalProfile', () => {
  it('detects a daily cycle and predicts it; finds none in noise', () => {
    const r = rng(2);
    const daily = new SeasonalProfile({ periodMs: DAY, bins: 48 });
    const noise = new SeasonalProfile({ periodMs: DAY, bins: 48 });
    let t = 0;
    for (let i = 0; i < 288 * 4; i++, t += STEP) {
      const x = 100 + 20 * Math.sin((2 * Math.PI * t) / DAY);
      daily.learn(t, x + gauss(r), x - 100);
      const y = 100 + 5 * gauss(r);
      noise.learn(t, y, y - 100);
    }
    assert.ok(daily.active(t), `strength ${daily.strength}`);
    assert.ok(!noise.active(t), `noise strength ${noise.strength}`);
    const e = daily.expected(t);
    assert.ok(Math.abs(e - (100 + 20 * Math.sin((2 * Math.PI * t) / DAY))) < 2);
  });
});

describe('SeasonalProfile.residual', () => {
  it('forgives a sharp daily edge that comes a few minutes early, not a missing one', () => {
    const p = new SeasonalProfile({ periodMs: DAY, bins: 48 });
    const square = (t: number) => ((t % DAY) / DAY < 0.5 ? 20 : 80);
    let t = 0;
    for (let i = 0; i < 288 * 3; i++, t += STEP) p.learn(t, square(t), 0);
    const edge = 3 * DAY + DAY / 2; // the daily step up from 20 to 80
    assert.equal(p.residual(edge - STEP, 80), 0, 'the step 5 minutes early');
    assert.ok(p.residual(edge + 6 * STEP, 20) < -50, 'no step at all');
    assert.ok(p.residual(3 * DAY + DAY / 4, 50) > 25, 'off the profile mid-phase');
  });
});

describe('AnomalyDetector', () => {
  function series(n: number, seed: number, f: (i: number, r: () => number) => number) {
    const r = rng(seed);
    const t = Float64Array.from({ length: n }, (_, i) => i * STEP);
    const v = Float64Array.from({ length: n }, (_, i) => f(i, r));
    return { t, v };
  }

  it('flags a spike and a level shift, and little else', () => {
    const { t, v } = series(
      3000,
      3,
      (i, r) => 50 + 2 * gauss(r) + (i === 2000 ? 40 : 0) + (i >= 2500 ? 15 : 0),
    );
    const { flag, score } = scoreSeries(t, v);
    assert.equal(flag[2000], 1, `spike score ${score[2000]}`);
    let shift = -1;
    for (let i = 2500; i < 2530; i++) if (flag[i]) shift = i;
    assert.ok(shift >= 2500, 'level shift flagged within 30 points');
    let others = 0;
    for (let i = 300; i < 3000; i++) if (flag[i] && i !== 2000 && (i < 2500 || i > 2530)) others++;
    assert.ok(others <= 3, `${others} false alarms`);
  });

  it('is causal: later points never change an earlier score', () => {
    const a = series(800, 4, (_i, r) => 10 + gauss(r));
    const b = { t: a.t, v: a.v.slice() };
    for (let i = 600; i < 800; i++) b.v[i] = 1000;
    const sa = scoreSeries(a.t, a.v).score;
    const sb = scoreSeries(b.t, b.v).score;
    for (let i = 0; i < 600; i++) assert.equal(sa[i], sb[i]);
  });

  it('uses the seasonal baseline once it detects a daily cycle', () => {
    const { t, v } = series(288 * 5, 5, (i, r) => {
      const x = 100 + 30 * Math.sin((2 * Math.PI * i) / 288) + gauss(r);
      return i === 288 * 4 + 72 ? 100 : x; // the daily peak is missing: normal for the window, not for the hour
    });
    const d = new AnomalyDetector();
    let s = 0;
    for (let i = 0; i < t.length; i++) {
      const p = d.update(t[i], v[i]);
      if (i === 288 * 4 + 72) s = p.score;
    }
    assert.equal(d.seasonality(), DAY);
    assert.ok(s >= 0.5, `score ${s}`);
  });

  it('keeps its state under 4 KiB and skips NaN', () => {
    const d = new AnomalyDetector();
    assert.ok(d.bytes < 4096, `${d.bytes} bytes`);
    assert.deepEqual(d.update(0, Number.NaN), { score: 0, flag: false, by: 'none' });
    const { t, v } = series(100, 6, (_i, r) => gauss(r));
    assert.ok(Number.isFinite(anomalyScore(t, v)));
  });
});

describe('detect CSV', () => {
  it('parses timestamps and writes one scored row per input row', () => {
    assert.equal(parseTimestamp('2014-04-01 00:05:00'), Date.UTC(2014, 3, 1, 0, 5));
    assert.equal(parseTimestamp('1396310700'), 1396310700000);
    const rows = ['timestamp,value'];
    for (let i = 0; i < 400; i++) rows.push(`${1396310400 + i * 300},${i === 350 ? 500 : 10 + (i % 3)}`);
    const { csv, rows: n, anomalies } = detectCsv(rows.join('\n'));
    const out = csv.trim().split('\n');
    assert.equal(out[0], 'timestamp,value,score,is_anomaly');
    assert.equal(out.length, 401);
    assert.equal(n, 400);
    assert.ok(out[351].endsWith(',1'), out[351]);
    assert.ok(anomalies >= 1);
  });
});

describe('TransitionSurprise', () => {
  it('learns a repeating pattern and is surprised when it breaks', () => {
    const seq = new TransitionSurprise(4, 1);
    const cycle = [0.1, 0.9, 0.1, 0.9];
    let learned = 0;
    for (let i = 0; i < 400; i++) learned = seq.update(cycle[i % 4]);
    const broken = seq.update(0.9); // the last point was high: high after high was never seen
    assert.ok(learned < 0.1, `surprise on the learned pattern ${learned}`);
    assert.ok(broken > 3, `surprise on the break ${broken}`);
  });
});
