// NAB corpus access for the benches: load the series from ../shared/datasets/nab
// and score flags in process with the same rules as its score.mjs (the bench
// also runs score.mjs itself on written files, which is the number reported).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NAB_DIR = fileURLToPath(new URL('../../../shared/datasets/nab/', import.meta.url));

export interface NabSeries {
  readonly rel: string;
  readonly stamps: string[];
  readonly t: Float64Array;
  readonly v: Float64Array;
  /** Windows as [first, last] row indexes. */
  readonly windows: [number, number][];
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.csv') ? [join(dir, e.name)] : [],
  );
}

export function nabAvailable(): boolean {
  return existsSync(join(NAB_DIR, 'labels', 'combined_windows.json'));
}

/** Parses `YYYY-MM-DD HH:MM:SS` as UTC ms. */
export function parseStamp(s: string): number {
  return Date.parse(`${s.trim().slice(0, 19).replace(' ', 'T')}Z`);
}

export function loadNab(): NabSeries[] {
  const labels = JSON.parse(readFileSync(join(NAB_DIR, 'labels', 'combined_windows.json'), 'utf8')) as Record<
    string,
    [string, string][]
  >;
  const dataDir = join(NAB_DIR, 'data');
  return walk(dataDir)
    .map((f) => {
      const rel = relative(dataDir, f);
      const lines = readFileSync(f, 'utf8').trim().split(/\r?\n/).slice(1);
      const stamps = lines.map((l) => l.slice(0, l.indexOf(',')));
      const t = Float64Array.from(stamps, parseStamp);
      const v = Float64Array.from(lines, (l) => Number(l.slice(l.indexOf(',') + 1)));
      const keys = stamps.map((s) => s.trim().slice(0, 19));
      const windows = (labels[rel] ?? [])
        .map(([a, b]): [number, number] => {
          const s = a.trim().slice(0, 19);
          const e = b.trim().slice(0, 19);
          const l = keys.findIndex((k) => k >= s);
          let r = -1;
          for (let i = keys.length - 1; i >= 0; i--)
            if (keys[i] <= e) {
              r = i;
              break;
            }
          return [l, r];
        })
        .filter(([l, r]) => l >= 0 && r >= l);
      return { rel, stamps, t, v, windows };
    })
    .sort((a, b) => (a.rel < b.rel ? -1 : 1));
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const scaledSigmoid = (p: number) => (p > 3 ? -1 : 2 * sigmoid(-5 * p) - 1);
const MAX_TP = scaledSigmoid(-1);

export interface FileScore {
  readonly rel: string;
  readonly windows: number;
  readonly detected: number;
  readonly fpEvents: number;
  readonly raw: number;
}

/** score.mjs's standard-profile rules for one file. */
export function scoreFile(s: NabSeries, flags: Uint8Array): FileScore {
  const n = s.t.length;
  const wins = s.windows;
  const probation = Math.floor(0.15 * Math.min(n, 5000));
  const inWin = new Int32Array(n).fill(-1);
  wins.forEach(([l, r], k) => {
    for (let i = l; i <= r; i++) inWin[i] = k;
  });
  const best: (number | null)[] = wins.map(() => null);
  let fp = 0;
  let fpEv = 0;
  let prev: [number, number] | null = null;
  let lastOut = -2;
  for (let i = 0; i < n; i++) {
    const k = inWin[i];
    if (k >= 0) prev = wins[k];
    if (!flags[i] || i < probation) continue;
    if (k >= 0) {
      const [l, r] = wins[k];
      const sc = scaledSigmoid(-(r - i + 1) / (r - l + 1)) / MAX_TP;
      if (best[k] === null || sc > best[k]!) best[k] = sc;
    } else {
      fp += prev ? scaledSigmoid(Math.abs(prev[1] - i) / (prev[1] - prev[0])) * 0.11 : -0.11;
      if (i !== lastOut + 1) fpEv++;
      lastOut = i;
    }
  }
  const tp = best.reduce<number>((a, b) => a + (b ?? 0), 0);
  const found = best.filter((b) => b !== null).length;
  return {
    rel: s.rel,
    windows: wins.length,
    detected: found,
    fpEvents: fpEv,
    raw: tp - (wins.length - found) + fp,
  };
}

export interface CorpusScore {
  readonly standard: number;
  readonly f1: number;
  readonly recall: number;
  readonly precision: number;
}

export function scoreCorpus(files: readonly FileScore[]): CorpusScore {
  let raw = 0;
  let nw = 0;
  let det = 0;
  let fpe = 0;
  for (const f of files) {
    raw += f.raw;
    nw += f.windows;
    det += f.detected;
    fpe += f.fpEvents;
  }
  const standard = (100 * (raw + nw)) / (2 * nw);
  const recall = nw ? det / nw : 0;
  const precision = det + fpe ? det / (det + fpe) : 0;
  const f1 = recall + precision ? (2 * recall * precision) / (recall + precision) : 0;
  return { standard, f1, recall, precision };
}
