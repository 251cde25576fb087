// Query results as Prometheus's API writes them, built as one string: sample
// values are strings in Go's 'f' format, timestamps are seconds.
import { formatFloatF } from '../../query/eval/aggregate.js';
import type { Labels } from '../../storage/types.js';
import type { QueryValue } from '../../query/types.js';

function metric(labels: Labels): string {
  return JSON.stringify(labels);
}

function point(t: number, v: number): string {
  return `[${t / 1000},"${formatFloatF(v)}"]`;
}

/** The `data` object of a query or query_range answer. */
export function resultJson(value: QueryValue): string {
  switch (value.type) {
    case 'scalar':
      return `{"resultType":"scalar","result":${point(value.t, value.v)}}`;
    case 'string':
      return `{"resultType":"string","result":[${value.t / 1000},${JSON.stringify(value.v)}]}`;
    case 'vector': {
      const parts = value.samples.map((s) => `{"metric":${metric(s.labels)},"value":${point(s.t, s.v)}}`);
      return `{"resultType":"vector","result":[${parts.join(',')}]}`;
    }
    case 'matrix': {
      const parts: string[] = [];
      for (const s of value.series) {
        const pts: string[] = new Array(s.t.length);
        for (let i = 0; i < s.t.length; i++) pts[i] = point(s.t[i], s.v[i]);
        parts.push(`{"metric":${metric(s.labels)},"values":[${pts.join(',')}]}`);
      }
      return `{"resultType":"matrix","result":[${parts.join(',')}]}`;
    }
  }
}

export function successJson(data: string): string {
  return `{"status":"success","data":${data}}`;
}
