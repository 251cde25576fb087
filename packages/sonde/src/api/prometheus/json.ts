// Query results as Prometheus's API writes them, built as one string: sample
// values are strings in Go's 'f' format, timestamps are seconds.
import { apiBuckets } from '../../query/eval/histogram.js';
import type { HistogramSample, Labels } from '../../storage/types.js';
import type { QueryValue } from '../../query/types.js';

/** A label set as Prometheus writes it: names in order. */
function metric(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    if (i > 0) out += ',';
    out += `${JSON.stringify(keys[i])}:${JSON.stringify(labels[keys[i]])}`;
  }
  return `${out}}`;
}

/**
 * A sample value as Prometheus's API writes it: Go's shortest 'f' format,
 * or 'e' (two-digit exponent) below 1e-6 and from 1e21 on; NaN, +Inf, -Inf.
 */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const exp = s.slice(e + 2);
  return exp.length === 1 ? `${s.slice(0, e + 2)}0${exp}` : s;
}

function point(t: number, v: number): string {
  return `[${t / 1000},"${formatValue(v)}"]`;
}

function histogram(t: number, h: HistogramSample): string {
  const buckets = apiBuckets(h).map(
    ([rule, lo, hi, c]) => `[${rule},"${formatValue(lo)}","${formatValue(hi)}","${formatValue(c)}"]`,
  );
  const b = buckets.length ? `,"buckets":[${buckets.join(',')}]` : '';
  return `[${t / 1000},{"count":"${formatValue(h.count)}","sum":"${formatValue(h.sum)}"${b}}]`;
}

/** The `data` object of a query or query_range answer. */
export function resultJson(value: QueryValue): string {
  switch (value.type) {
    case 'scalar':
      return `{"resultType":"scalar","result":${point(value.t, value.v)}}`;
    case 'string':
      return `{"resultType":"string","result":[${value.t / 1000},${JSON.stringify(value.v)}]}`;
    case 'vector': {
      const parts = value.samples.map((s) =>
        s.h
          ? `{"metric":${metric(s.labels)},"histogram":${histogram(s.t, s.h)}}`
          : `{"metric":${metric(s.labels)},"value":${point(s.t, s.v)}}`,
      );
      return `{"resultType":"vector","result":[${parts.join(',')}]}`;
    }
    case 'matrix': {
      const parts: string[] = [];
      for (const s of value.series) {
        const pts: string[] = new Array(s.t.length);
        for (let i = 0; i < s.t.length; i++) pts[i] = point(s.t[i], s.v[i]);
        let hists = '';
        if (s.ht && s.h && s.ht.length > 0) {
          const hs: string[] = new Array(s.ht.length);
          for (let i = 0; i < s.ht.length; i++) hs[i] = histogram(s.ht[i], s.h[i]);
          hists = `,"histograms":[${hs.join(',')}]`;
        }
        const values = pts.length > 0 || !hists ? `,"values":[${pts.join(',')}]` : '';
        parts.push(`{"metric":${metric(s.labels)}${values}${hists}}`);
      }
      return `{"resultType":"matrix","result":[${parts.join(',')}]}`;
    }
  }
}

export function successJson(data: string): string {
  return `{"status":"success","data":${data}}`;
}
