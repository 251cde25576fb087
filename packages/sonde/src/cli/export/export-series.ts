// Streams series out of a store, series by series, in a format sonde's
// import (and Prometheus's promtool backfill, for OpenMetrics) reads back:
// nothing is loaded beyond one series at a time.
import type { Writable } from 'node:stream';
import { escapeLabelValue, formatValue } from '../../ingest/index.js';
import type { Labels, Matcher, Querier } from '../../storage/types.js';

export const EXPORT_FORMATS = ['csv', 'jsonl', 'openmetrics'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportSummary {
  series: number;
  samples: number;
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', resolve));
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function jsonValue(v: number): string {
  return Number.isFinite(v) ? JSON.stringify(v) : `"${formatValue(v)}"`;
}

function omLabels(labels: Labels): string {
  const parts: string[] = [];
  for (const name of Object.keys(labels).sort()) {
    if (name !== '__name__') parts.push(`${name}="${escapeLabelValue(labels[name])}"`);
  }
  return parts.length ? `{${parts.join(',')}}` : '';
}

function omSeconds(ms: number): string {
  return (ms / 1000).toFixed(3).replace(/\.?0+$/, '');
}

/** Writes every matching series in [fromMs, toMs]; `onSeries` reports progress. */
export async function exportSeries(
  querier: Querier,
  matchers: readonly Matcher[],
  fromMs: number,
  toMs: number,
  format: ExportFormat,
  out: Writable,
  onSeries: (samples: number) => void = () => {},
): Promise<ExportSummary> {
  const summary: ExportSummary = { series: 0, samples: 0 };
  const names = new Set<string>();
  const labelNames = new Set<string>();
  for (const s of querier.select(matchers, fromMs, toMs, { labelsOnly: true })) {
    names.add(s.labels.__name__ ?? '');
    for (const n of Object.keys(s.labels)) if (n !== '__name__') labelNames.add(n);
  }
  const labelColumns = [...labelNames].sort();
  if (format === 'csv')
    await write(out, `${['timestamp', 'metric', 'value', ...labelColumns].map(csvField).join(',')}\n`);
  // One metric name at a time: OpenMetrics wants a family's samples together,
  // and it keeps what is held in memory to one series.
  for (const name of [...names].sort()) {
    if (format === 'openmetrics') await write(out, `# TYPE ${name} unknown\n`);
    const byName: Matcher[] = [...matchers, { type: '=', name: '__name__', value: name }];
    for (const s of querier.select(byName, fromMs, toMs)) {
      const prefix = format === 'openmetrics' ? `${name}${omLabels(s.labels)} ` : '';
      let chunk = '';
      for (let i = 0; i < s.t.length; i++) {
        if (format === 'csv') {
          const cells = [
            String(s.t[i]),
            name,
            formatValue(s.v[i]),
            ...labelColumns.map((c) => s.labels[c] ?? ''),
          ];
          chunk += `${cells.map(csvField).join(',')}\n`;
        } else if (format === 'jsonl') {
          chunk += `{"labels":${JSON.stringify(s.labels)},"t":${s.t[i]},"v":${jsonValue(s.v[i])}}\n`;
        } else {
          chunk += `${prefix}${formatValue(s.v[i])} ${omSeconds(s.t[i])}\n`;
        }
        if (chunk.length > 64 * 1024) {
          await write(out, chunk);
          chunk = '';
        }
      }
      if (chunk) await write(out, chunk);
      summary.series++;
      summary.samples += s.t.length;
      onSeries(s.t.length);
    }
  }
  if (format === 'openmetrics') await write(out, '# EOF\n');
  return summary;
}
