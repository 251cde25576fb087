import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { importText } from '../../ingest/index.js';
import { MemoryStorage } from '../../storage/index.js';
import { type ExportFormat, exportSeries } from './export-series.js';

async function fixture(): Promise<MemoryStorage> {
  const s = new MemoryStorage();
  const a = s.appender();
  for (let i = 0; i < 5; i++) {
    a.append({ __name__: 'http_requests_total', job: 'api', route: '/users/:id' }, 1000 * i, i * 10);
    a.append({ __name__: 'http_requests_total', job: 'api', route: 'a,"quoted"' }, 1000 * i, i);
    a.append({ __name__: 'node_load1', instance: 'h1' }, 1000 * i, i === 2 ? Number.NaN : 0.25 * i);
  }
  a.append({ __name__: 'temp', job: 'x' }, 0, Number.POSITIVE_INFINITY);
  await a.commit();
  return s;
}

async function run(
  store: MemoryStorage,
  format: ExportFormat,
): Promise<{ text: string; series: number; samples: number }> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => void (text += c.toString()));
  const summary = await exportSeries(
    store.querier(),
    [{ type: '=~', name: '__name__', value: '.+' }],
    0,
    10_000,
    format,
    out,
  );
  out.end();
  return { text, ...summary };
}

describe('exportSeries', () => {
  for (const format of ['csv', 'jsonl', 'openmetrics'] as const) {
    it(`round-trips through sonde import as ${format}`, async () => {
      const source = await fixture();
      const { text, series, samples } = await run(source, format);
      assert.equal(series, 4);
      assert.equal(samples, 16);
      const copy = new MemoryStorage();
      const result = await importText(copy, text, { format });
      assert.equal(result.samples, 16, JSON.stringify(result.rejected));
      const again = await run(copy, format);
      assert.equal(again.text, text);
    });
  }

  it('writes OpenMetrics that groups each family and ends with # EOF', async () => {
    const { text } = await run(await fixture(), 'openmetrics');
    assert.match(text, /^# TYPE http_requests_total unknown\n/);
    assert.match(text, /node_load1\{instance="h1"\} NaN 2\n/);
    assert.match(text, /temp\{job="x"\} \+Inf 0\n/);
    assert.ok(text.endsWith('# EOF\n'));
  });
});
