// Normalises sonde's and Prometheus's answers to one shape and compares them:
// same series (label sets), same timestamps, values equal within a relative
// 1e-9 (NaN equals NaN), and errors on both sides with the same errorType.
import { labelsKey } from '../../src/storage/labels.js';
import type { QueryValue } from '../../src/query/types.js';
import type { PromResponse } from './prometheus.js';

export interface Norm {
  error?: string; // errorType
  message?: string;
  type?: string;
  /** label key → points [t(ms), v]; a scalar or string is under key "". */
  series?: Map<string, [number, number | string][]>;
  order?: string[];
}

function parseValue(s: string): number {
  if (s === 'NaN') return Number.NaN;
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return Number(s);
}

export function fromPrometheus(r: PromResponse): Norm {
  if (r.status !== 'success') return { error: r.errorType, message: r.error };
  const data = r.data!;
  const series = new Map<string, [number, number | string][]>();
  const order: string[] = [];
  switch (data.resultType) {
    case 'scalar': {
      const [t, v] = data.result as [number, string];
      series.set('', [[Math.round(t * 1000), parseValue(v)]]);
      break;
    }
    case 'string': {
      const [t, v] = data.result as [number, string];
      series.set('', [[Math.round(t * 1000), v]]);
      break;
    }
    case 'vector':
      for (const s of data.result as { metric: Record<string, string>; value: [number, string] }[]) {
        const k = labelsKey(s.metric);
        order.push(k);
        series.set(k, [[Math.round(s.value[0] * 1000), parseValue(s.value[1])]]);
      }
      break;
    case 'matrix':
      for (const s of data.result as { metric: Record<string, string>; values: [number, string][] }[]) {
        series.set(
          labelsKey(s.metric),
          s.values.map(([t, v]) => [Math.round(t * 1000), parseValue(v)]),
        );
      }
      break;
  }
  return { type: data.resultType, series, order };
}

export function fromSonde(v: QueryValue): Norm {
  const series = new Map<string, [number, number | string][]>();
  const order: string[] = [];
  switch (v.type) {
    case 'scalar':
      series.set('', [[v.t, v.v]]);
      break;
    case 'string':
      series.set('', [[v.t, v.v]]);
      break;
    case 'vector':
      for (const s of v.samples) {
        const k = labelsKey(s.labels);
        order.push(k);
        series.set(k, [[s.t, s.v]]);
      }
      break;
    case 'matrix':
      for (const s of v.series) {
        const pts: [number, number][] = [];
        for (let i = 0; i < s.t.length; i++) pts.push([s.t[i], s.v[i]]);
        series.set(labelsKey(s.labels), pts);
      }
      break;
  }
  return { type: v.type, series, order };
}

function same(a: number | string, b: number | string): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  const diff = Math.abs(a - b);
  return diff <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) || diff < 1e-300;
}

function show(k: string): string {
  return `{${k
    .split('\u0001')
    .filter(Boolean)
    .map((p) => p.replace('\u0000', '='))
    .join(', ')}}`;
}

/** Differences, as lines; empty when the answers agree. */
export function compare(sonde: Norm, prom: Norm, ordered: boolean): string[] {
  if (prom.error || sonde.error) {
    if (prom.error && sonde.error) {
      return prom.error === sonde.error
        ? []
        : [`errorType ${sonde.error} (${sonde.message}) vs prometheus ${prom.error} (${prom.message})`];
    }
    return prom.error
      ? [`sonde answered, prometheus failed: ${prom.error}: ${prom.message}`]
      : [`sonde failed: ${sonde.error}: ${sonde.message}`];
  }
  const out: string[] = [];
  if (sonde.type !== prom.type) out.push(`result type ${sonde.type} vs prometheus ${prom.type}`);
  const s = sonde.series!;
  const p = prom.series!;
  for (const [k, pts] of p) {
    const mine = s.get(k);
    if (!mine) {
      out.push(`missing series ${show(k)} (${pts.length} points)`);
      continue;
    }
    if (mine.length !== pts.length) {
      const tm = new Set(mine.map((x) => x[0]));
      const tp = new Set(pts.map((x) => x[0]));
      const extra = [...tm].filter((t) => !tp.has(t));
      const missing = [...tp].filter((t) => !tm.has(t));
      out.push(
        `${show(k)}: ${mine.length} points vs ${pts.length}; extra t=${extra.slice(0, 3)} missing t=${missing.slice(0, 3)}`,
      );
      continue;
    }
    for (let i = 0; i < pts.length; i++) {
      if (mine[i][0] !== pts[i][0] || !same(mine[i][1], pts[i][1])) {
        out.push(
          `${show(k)} at t=${pts[i][0]}: sonde ${mine[i][0]}=${mine[i][1]} vs prometheus ${pts[i][1]}`,
        );
        break;
      }
    }
  }
  for (const k of s.keys()) if (!p.has(k)) out.push(`extra series ${show(k)}`);
  if (ordered && out.length === 0 && sonde.order && prom.order) {
    const sv = sonde.order.map((k) => s.get(k)![0][1]);
    const pv = prom.order.map((k) => p.get(k)![0][1]);
    for (let i = 0; i < sv.length; i++) {
      if (!same(sv[i], pv[i])) {
        out.push(`order differs at ${i}: sonde ${sv.join(',')} vs prometheus ${pv.join(',')}`);
        break;
      }
    }
  }
  return out;
}
