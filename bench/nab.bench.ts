// NAB anomaly benchmark: sonde's online detector over every NAB series with
// its one global configuration, scored by the dataset's own score.mjs next to
// the two baselines shipped with it; then the detector's cost: state bytes per
// series and CPU per point, extrapolated to 10,000 series at a 1 s cadence.
//   npm run bench -- nab
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AnomalyDetector } from '../packages/sonde/src/analytics/anomaly/index.js';
import { loadNab, NAB_DIR, nabAvailable } from './lib/nab.js';

interface Row {
  name: string;
  standard: number;
  f1: number;
  recall: number;
  precision: number;
}

function score(dir: string, name: string): Row {
  const r = spawnSync(process.execPath, [join(NAB_DIR, 'score.mjs'), dir, '--quiet'], { encoding: 'utf8' });
  const m = /nab: standard=(-?[\d.]+) f1=([\d.]+) recall=([\d.]+) precision=([\d.]+)/.exec(r.stdout);
  if (!m) throw new Error(`score.mjs failed for ${name}: ${r.stderr || r.stdout}`);
  return { name, standard: +m[1], f1: +m[2], recall: +m[3], precision: +m[4] };
}

if (!nabAvailable()) {
  console.log(`NAB data not found at ${NAB_DIR}; skipped`);
  process.exit(0);
}

const out = mkdtempSync(join(tmpdir(), 'sonde-nab-'));
try {
  const series = loadNab();
  let points = 0;
  let ms = 0;
  for (const s of series) {
    const d = new AnomalyDetector();
    const lines = ['timestamp,score,is_anomaly'];
    const t0 = performance.now();
    const rows: string[] = new Array(s.t.length);
    for (let i = 0; i < s.t.length; i++) {
      const p = d.update(s.t[i], s.v[i]);
      rows[i] = `${s.stamps[i]},${p.score.toFixed(4)},${p.flag ? 1 : 0}`;
    }
    ms += performance.now() - t0;
    points += s.t.length;
    lines.push(...rows);
    const file = join(out, 'sonde', s.rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${lines.join('\n')}\n`);
  }
  const rows: Row[] = [score(join(out, 'sonde'), 'sonde')];
  for (const b of ['zscore', 'mad']) {
    const r = spawnSync(process.execPath, [join(NAB_DIR, 'baselines.mjs'), b, join(out, b)], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`baselines.mjs ${b} failed: ${r.stderr}`);
    rows.push(score(join(out, b), `baseline ${b}`));
  }
  console.log(`NAB: ${series.length} series, ${points} points, one global configuration`);
  console.log('detector          standard     f1  recall  precision');
  for (const r of rows)
    console.log(
      `${r.name.padEnd(16)} ${r.standard.toFixed(1).padStart(9)} ${r.f1.toFixed(2).padStart(6)} ${r.recall.toFixed(2).padStart(7)} ${r.precision.toFixed(2).padStart(10)}`,
    );
  const sonde = rows[0];
  for (const b of rows.slice(1)) {
    const ratio = b.standard > 0 ? `${(sonde.standard / b.standard).toFixed(2)}x` : 'n/a (baseline ≤ 0)';
    console.log(
      `sonde vs ${b.name}: standard ${sonde.standard.toFixed(1)} vs ${b.standard.toFixed(1)} (ratio ${ratio}, +${(sonde.standard - b.standard).toFixed(1)}), f1 ${(sonde.f1 / Math.max(b.f1, 1e-9)).toFixed(1)}x`,
    );
  }
  console.log(
    'target: standard ≥ 70 (NAB scoreboard: HTM 70.5, Skyline 58.2, RCF 51.7, windowed Gaussian 39.6)',
  );
  console.log(
    `scoring speed over NAB: ${((ms * 1000) / points).toFixed(2)} µs/point, CSV row formatting included`,
  );
} finally {
  rmSync(out, { recursive: true, force: true });
}

// Cost: 10,000 detectors fed round-robin, as a 1 s scrape of 10,000 series would.
const N = 10_000;
const ROUNDS = 60;
const dets = Array.from({ length: N }, () => new AnomalyDetector());
let seed = 42;
const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5;
const base = Float64Array.from({ length: N }, (_, i) => 10 + (i % 100));
const warm = 300;
for (let r = 0; r < warm; r++) for (let i = 0; i < N; i++) dets[i].update(r * 1000, base[i] + rnd() * 4);
const t0 = process.cpuUsage();
const w0 = performance.now();
for (let r = warm; r < warm + ROUNDS; r++)
  for (let i = 0; i < N; i++) dets[i].update(r * 1000, base[i] + rnd() * 4 + (rnd() > 0.499 ? 50 : 0));
const cpu = process.cpuUsage(t0);
const wall = performance.now() - w0;
const usPerPoint = (cpu.user + cpu.system) / (N * ROUNDS);
console.log(
  `cost: ${usPerPoint.toFixed(2)} µs CPU/point (wall ${((wall * 1000) / (N * ROUNDS)).toFixed(2)}), ` +
    `10,000 series at 1 s = ${((usPerPoint * N) / 1e4).toFixed(1)}% of one core (target < 20%)`,
);
console.log(`state: ${dets[0].bytes} bytes per series in typed arrays and fields (target < 4096)`);
