// The `timestamp,value` CSV that `sonde detect` reads and the scored CSV it
// writes. Timestamps may be ISO-like (`2014-04-01 00:00:00`, taken as UTC
// when no zone is given), or Unix seconds or milliseconds.
import { scoreSeries } from './series.js';

export interface CsvSeries {
  readonly stamps: string[];
  readonly t: Float64Array;
  readonly v: Float64Array;
}

export function parseTimestamp(s: string): number {
  const x = s.trim();
  if (/^-?\d+(\.\d+)?$/.test(x)) {
    const n = Number(x);
    return Math.abs(n) < 1e11 ? n * 1000 : n;
  }
  let iso = x.replace(' ', 'T');
  if (!/(Z|[+-]\d\d:?\d\d)$/.test(iso)) iso += 'Z';
  return Date.parse(iso);
}

/** Parses a CSV with a header naming `timestamp` and `value` columns (else the first two columns). */
export function parseSeriesCsv(text: string): CsvSeries {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new Error('empty CSV');
  const head = lines[0].split(',').map((h) => h.trim().toLowerCase());
  const hasHeader = Number.isNaN(parseTimestamp(head[0] ?? '')) || head.includes('value');
  let ti = head.indexOf('timestamp');
  let vi = head.indexOf('value');
  if (ti < 0) ti = 0;
  if (vi < 0) vi = 1;
  const rows = hasHeader ? lines.slice(1) : lines;
  const stamps: string[] = new Array(rows.length);
  const t = new Float64Array(rows.length);
  const v = new Float64Array(rows.length);
  rows.forEach((line, i) => {
    const cells = line.split(',');
    stamps[i] = (cells[ti] ?? '').trim();
    t[i] = parseTimestamp(stamps[i]);
    if (Number.isNaN(t[i])) throw new Error(`line ${i + (hasHeader ? 2 : 1)}: bad timestamp "${stamps[i]}"`);
    v[i] = cells[vi] === undefined || cells[vi].trim() === '' ? Number.NaN : Number(cells[vi]);
  });
  return { stamps, t, v };
}

/** Scores the series and renders `timestamp,value,score,is_anomaly`, one row per input row. */
export function detectCsv(text: string): { csv: string; rows: number; anomalies: number } {
  const s = parseSeriesCsv(text);
  const { score, flag } = scoreSeries(s.t, s.v);
  const out: string[] = ['timestamp,value,score,is_anomaly'];
  let anomalies = 0;
  for (let i = 0; i < s.t.length; i++) {
    anomalies += flag[i];
    out.push(`${s.stamps[i]},${Number.isNaN(s.v[i]) ? '' : s.v[i]},${score[i].toFixed(4)},${flag[i]}`);
  }
  return { csv: `${out.join('\n')}\n`, rows: s.t.length, anomalies };
}
