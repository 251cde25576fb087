// Forecast benchmark on the real NAB series: 1-hour-ahead forecasts of
// sonde's additive Holt–Winters (period detected, parameters fitted on the
// first 30% of each series, then run online over the rest) against the
// seasonal-naive forecast (the value one day before the target), at every
// point after the training part. The figure is MASE relative to seasonal
// naive: MAE(Holt–Winters) / MAE(seasonal naive) on the same targets, so
// < 1 means sonde's forecast is better than the baseline.
//   npm run bench -- forecast
import { fitHoltWinters, HoltWinters } from '../packages/sonde/src/analytics/forecast/holt-winters.js';
import { detectPeriod, medianStep } from '../packages/sonde/src/analytics/forecast/period.js';
import { loadNab, NAB_DIR, nabAvailable } from './lib/nab.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

if (!nabAvailable()) {
  console.log(`NAB data not found at ${NAB_DIR}; skipped`);
  process.exit(0);
}

const rows: { rel: string; mase: number; period: string; n: number }[] = [];
let sumHw = 0;
let sumSn = 0;
const t0 = performance.now();
for (const s of loadNab()) {
  const step = medianStep(s.t);
  const n = s.t.length;
  const h = Math.max(1, Math.round(HOUR / step));
  const mDay = Math.round(DAY / step);
  const train = Math.max(Math.floor(n * 0.3), 2 * mDay);
  if (train + h >= n || mDay < h) continue;
  const period = detectPeriod(s.t.subarray(0, train), s.v.subarray(0, train));
  const m = period && period.lag * 2 <= train && period.lag <= 2100 ? period.lag : 0;
  const hw = new HoltWinters(m, fitHoltWinters(s.v.subarray(0, train), m));
  let eHw = 0;
  let eSn = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    hw.update(s.v[i]);
    if (i < train || i + h >= n || !hw.ready) continue;
    const target = s.v[i + h];
    eHw += Math.abs(hw.forecast(h) - target);
    eSn += Math.abs(s.v[i + h - mDay] - target);
    count++;
  }
  if (count === 0 || eSn === 0) continue;
  rows.push({
    rel: s.rel,
    mase: eHw / eSn,
    period: m ? `${(period!.periodMs / HOUR).toFixed(0)}h` : 'none',
    n: count,
  });
  sumHw += eHw / count / (eSn / count);
  sumSn += 1;
}
const ms = performance.now() - t0;
rows.sort((a, b) => a.mase - b.mase);
console.log(
  'series                                                     period  targets   MASE vs seasonal-naive',
);
for (const r of rows)
  console.log(
    `${r.rel.padEnd(58)} ${r.period.padStart(6)} ${String(r.n).padStart(8)}   ${r.mase.toFixed(3)}`,
  );
const sorted = rows.map((r) => r.mase).sort((a, b) => a - b);
const med = sorted[Math.floor(sorted.length / 2)];
const geo = Math.exp(sorted.reduce((a, x) => a + Math.log(x), 0) / sorted.length);
console.log(
  `\nHolt-Winters vs seasonal naive, 1 hour ahead, ${rows.length} series: mean MASE ${(sumHw / sumSn).toFixed(3)}, ` +
    `geometric mean ${geo.toFixed(3)}, median ${med.toFixed(3)}, better on ${rows.filter((r) => r.mase < 1).length}/${rows.length} (target < 1)`,
);
console.log(`ratio sonde/baseline error: ${(sumHw / sumSn).toFixed(3)}x; ran in ${(ms / 1000).toFixed(1)} s`);
