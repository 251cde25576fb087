// The CSV import format. The first line is a header naming the columns:
// `timestamp`, `metric` (or `__name__`) and `value` are required, in any
// order; every other column is a label of that name (an empty cell means the
// series has no such label). `timestamp` is Unix milliseconds or an RFC 3339
// time; `value` is a number, NaN, +Inf or -Inf. Fields may be quoted with
// double quotes ("" inside a quoted field is a quote); a field cannot span
// lines. Example:
//   timestamp,metric,value,job,instance
//   1700000000000,up,1,api,host-1:9100
import type { Labels } from '../storage/types.js';
import type { IngestBatch } from './batch.js';
import { LineSplitter } from './lines.js';
import { parseSampleValue } from './text-parser.js';

/** Splits one CSV line; undefined when a quote is unterminated. */
export function splitCsvLine(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line.charCodeAt(i) === 0x22) {
      let field = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return undefined;
        field += line.slice(i, q);
        if (line.charCodeAt(q + 1) === 0x22) {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(field);
      if (i < line.length && line.charCodeAt(i) !== 0x2c) return undefined;
    } else {
      const c = line.indexOf(',', i);
      const end = c < 0 ? line.length : c;
      out.push(line.slice(i, end));
      i = end;
    }
    if (i >= line.length) return out;
    i++;
  }
}

function parseTime(s: string): number | undefined {
  if (/^-?\d+$/.test(s)) {
    const t = Number(s);
    return Number.isSafeInteger(t) ? t : undefined;
  }
  if (!/^\d{4}-\d\d-\d\dT/.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

export function createCsvImporter(batch: IngestBatch): { write(chunk: string): void; end(): void } {
  let tCol = -1;
  let nameCol = -1;
  let vCol = -1;
  let labelCols: { idx: number; name: string }[] = [];
  let header = false;
  const cache = new Map<string, Labels>();
  return new LineSplitter((line, n) => {
    if (line.trim() === '') return;
    const cells = splitCsvLine(line);
    if (!cells) {
      batch.reject(n, 'unterminated quoted field');
      return;
    }
    if (!header) {
      header = true;
      const names = cells.map((c) => c.trim());
      tCol = names.indexOf('timestamp');
      nameCol = names.indexOf('metric') >= 0 ? names.indexOf('metric') : names.indexOf('__name__');
      vCol = names.indexOf('value');
      if (tCol < 0 || nameCol < 0 || vCol < 0) {
        header = false;
        return batch.reject(n, 'the header must name the columns timestamp, metric and value');
      }
      labelCols = names.flatMap((name, idx) =>
        idx === tCol || idx === nameCol || idx === vCol ? [] : [{ idx, name }],
      );
      return;
    }
    if (cells.length !== labelCols.length + 3) {
      return batch.reject(n, `expected ${labelCols.length + 3} fields as in the header, got ${cells.length}`);
    }
    const t = parseTime(cells[tCol]);
    if (t === undefined) {
      batch.reject(n, `invalid timestamp "${cells[tCol]}"`);
      return;
    }
    const v = parseSampleValue(cells[vCol]);
    if (v === undefined) {
      batch.reject(n, `invalid value "${cells[vCol]}"`);
      return;
    }
    let key = cells[nameCol];
    for (const c of labelCols) key += `\u0000${cells[c.idx]}`;
    let labels = cache.get(key);
    if (!labels) {
      const l: Record<string, string> = { __name__: cells[nameCol] };
      for (const c of labelCols) if (cells[c.idx] !== '') l[c.name] = cells[c.idx];
      labels = l;
      if (cache.size >= 1_000_000) cache.clear();
      cache.set(key, labels);
    }
    batch.add(labels, t, v, n);
  });
}
