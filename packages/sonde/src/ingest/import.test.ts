import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openStorage } from '../storage/db.js';
import { MemoryStorage } from '../storage/memory.js';
import type { Storage } from '../storage/types.js';
import { splitCsvLine } from './csv.js';
import { ImportCaches, detectFormat, importStream, importText } from './import.js';
import { IngestInputError, IngestLimitError } from './limits.js';
import { REDACTED } from './redact.js';
import { IngestStats } from './stats.js';

function all(storage: Storage, name: string) {
  const q = storage.querier();
  const out = [...q.select([{ type: '=', name: '__name__', value: name }], -Infinity, Infinity)];
  q.close();
  return out;
}

function selectAllLabels(storage: Storage, name: string) {
  return all(storage, name)[0].labels;
}

/** Byte slices, which may cut a character's UTF-8 sequence in two. */
async function* byteChunks(buf: Buffer, size: number) {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

const OM = `# HELP http_requests Requests.
# TYPE http_requests counter
http_requests_total{code="200"} 1 1700000000
http_requests_total{code="200"} 5 1700000015.5
http_requests_total{code="500"} 2 1700000000
bogus line here
http_requests_total{code="500"} 3
# EOF
`;

describe('importText', () => {
  it('imports OpenMetrics with a summary of series, samples, time range and rejected lines', async () => {
    const storage = new MemoryStorage();
    const summary = await importText(storage, OM, { format: 'openmetrics' });
    assert.equal(summary.series, 2);
    assert.equal(summary.samples, 3);
    assert.equal(summary.minTime, 1700000000000);
    assert.equal(summary.maxTime, 1700000015500);
    assert.deepEqual(
      summary.rejected.map((r) => r.line),
      [6, 7],
    );
    assert.match(summary.rejected[0].reason, /invalid value "line"/);
    assert.match(summary.rejected[1].reason, /no timestamp/);
    assert.equal(summary.rejectedTotal, 2);
    const s = all(storage, 'http_requests_total').find((x) => x.labels.code === '200')!;
    assert.deepEqual([...s.t], [1700000000000, 1700000015500]);
    assert.deepEqual([...s.v], [1, 5]);
    assert.equal(storage.metadata('http_requests').get('http_requests')?.type, 'counter');
  });

  it("with caches kept across requests, still counts each request's series and checks new ones", async () => {
    const storage = new MemoryStorage();
    const caches = new ImportCaches();
    const first = await importText(storage, 'a 1 1\nb{x="1"} 1 1\n', { format: 'prometheus', caches });
    const second = await importText(storage, 'a 2 2\nb{x="1"} 2 2\nc{bad="https://u:p@h/"} 1 1\n', {
      format: 'prometheus',
      caches,
    });
    assert.equal(first.series, 2);
    assert.equal(second.series, 3);
    assert.equal(selectAllLabels(storage, 'c').bad, `https://u:${REDACTED}@h/`);
    assert.equal(caches.labels.size, 3);
  });

  it('uses defaultTime for samples without a timestamp when given', async () => {
    const storage = new MemoryStorage();
    const summary = await importText(storage, 'up 1\n', { format: 'prometheus', defaultTime: 42 });
    assert.equal(summary.samples, 1);
    assert.deepEqual([...all(storage, 'up')[0].t], [42]);
  });

  it('reports what the store refused (out of order, duplicates)', async () => {
    const storage = new MemoryStorage();
    const stats = new IngestStats();
    const summary = await importText(storage, 'a 1 2000\na 2 1000\na 3 2000\n', {
      format: 'prometheus',
      stats,
    });
    assert.equal(summary.samples, 1);
    assert.equal(summary.storage.outOfOrder, 1);
    assert.equal(summary.storage.duplicate, 1);
    assert.equal(stats.rejectedCount('import', 'out_of_order'), 1);
    assert.equal(stats.acceptedCount('import'), 1);
  });

  it('imports JSON lines, histograms included, and rejects bad lines', async () => {
    const storage = new MemoryStorage();
    const h = {
      schema: 0,
      zeroThreshold: 0,
      zeroCount: 1,
      count: 4,
      sum: 7.5,
      positive: { offset: 1, counts: [2, 1] },
      negative: { offset: 0, counts: [] },
    };
    const text = [
      '{"labels":{"__name__":"temp","room":"a"},"t":1000,"v":21.5}',
      '{"labels":{"__name__":"temp","room":"a"},"t":2000,"v":"+Inf"}',
      '',
      '{"labels":{"__name__":"lat"},"t":1000,"h":' + JSON.stringify(h) + '}',
      '{"labels":{"__name__":"temp"},"t":"soon","v":1}',
      'not json',
      '{"labels":{"__name__":"temp","room":1},"t":1,"v":1}',
    ].join('\n');
    const summary = await importText(storage, text, { format: 'jsonl' });
    assert.equal(summary.samples, 3);
    assert.equal(summary.series, 2);
    assert.deepEqual(
      summary.rejected.map((r) => r.line),
      [5, 6, 7],
    );
    assert.deepEqual([...all(storage, 'temp')[0].v], [21.5, Infinity]);
    assert.deepEqual(all(storage, 'lat')[0].h, [h]);
  });

  it('imports CSV with a header, quoted fields and RFC 3339 times', async () => {
    const storage = new MemoryStorage();
    const text = [
      'metric,job,timestamp,value,path',
      'req,api,1000,1,/a',
      'req,api,2023-11-14T22:13:20.5Z,2,"/b,c"',
      'req,,3000,NaN,',
      'req,api,xx,1,/a',
      'req,api,1000,1',
    ].join('\r\n');
    const summary = await importText(storage, text, { format: 'csv' });
    assert.equal(summary.samples, 3);
    assert.deepEqual(
      summary.rejected.map((r) => r.line),
      [5, 6],
    );
    const series = all(storage, 'req');
    assert.deepEqual(
      series.map((s) => ({ ...s.labels })).sort((a, b) => (a.path ?? '').localeCompare(b.path ?? '')),
      [
        { __name__: 'req' },
        { __name__: 'req', job: 'api', path: '/a' },
        { __name__: 'req', job: 'api', path: '/b,c' },
      ],
    );
    assert.equal(series.find((s) => s.labels.path === '/b,c')!.t[0], 1700000000500);
  });

  it('rejects a CSV without the required columns', async () => {
    const summary = await importText(new MemoryStorage(), 'time,name\n1,2\n', { format: 'csv' });
    assert.match(summary.rejected[0].reason, /header must name/);
  });

  it('redacts secrets in label values and validates labels', async () => {
    const storage = new MemoryStorage();
    const text = `probe{target="https://bob:pw123@example.com/x"} 1 1000\n${'x'.repeat(10)}{long="${'v'.repeat(50)}"} 1 1000\n`;
    const summary = await importText(storage, text, {
      format: 'prometheus',
      limits: { maxLabelValueLength: 40 },
    });
    assert.equal(all(storage, 'probe')[0].labels.target, `https://bob:${REDACTED}@example.com/x`);
    assert.match(summary.rejected[0].reason, /value of label "long" is longer than 40/);
  });

  it('refuses a request over the sample or series limit and stores nothing of it', async () => {
    const storage = new MemoryStorage();
    await assert.rejects(
      importText(storage, 'a 1 1\na 2 2\na 3 3\n', {
        format: 'prometheus',
        limits: { maxSamplesPerRequest: 2 },
      }),
      (err: unknown) =>
        err instanceof IngestLimitError && err.status === 422 && /more than 2 samples/.test(err.message),
    );
    await assert.rejects(
      importText(storage, 'a 1 1\nb 2 2\nc 3 3\n', {
        format: 'prometheus',
        limits: { maxSeriesPerRequest: 2 },
      }),
      /more than 2 series/,
    );
    assert.equal(storage.stats().series, 0);
  });
});

describe('importText with caches kept across requests', () => {
  it('writes each store its own series when two stores share the caches', async () => {
    const dirs = await Promise.all([0, 1].map(() => mkdtemp(join(tmpdir(), 'sonde-import-'))));
    const stores = await Promise.all(dirs.map((dir) => openStorage({ dir, maintenanceIntervalMs: 0 })));
    try {
      const caches = new ImportCaches();
      const t0 = Date.now() - 60_000;
      for (const [i, store] of stores.entries()) {
        for (const dt of [0, 1000]) {
          const text = `m{k="v"} ${i} ${t0 + dt}\nm{k="w"} ${i} ${t0 + dt}\n`;
          const summary = await importText(store, text, { format: 'prometheus', caches });
          assert.deepEqual([summary.series, summary.samples], [2, 2]);
        }
      }
      for (const [i, store] of stores.entries()) {
        const got = all(store, 'm');
        assert.equal(got.length, 2);
        for (const s of got) assert.deepEqual([...s.v], [i, i]);
      }
    } finally {
      for (const store of stores) await store.close();
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('importStream', () => {
  it('gives the same result whatever the chunking, and commits in slices', async () => {
    let text = '';
    for (let i = 0; i < 1000; i++) text += `m{i="${i % 7}",s="é✓"} ${i} ${1000 + i}\n`;
    const whole = new MemoryStorage();
    const expected = await importText(whole, text, { format: 'prometheus' });
    for (const size of [1, 7, 100, 4096]) {
      const storage = new MemoryStorage();
      const progress: number[] = [];
      const got = await importStream(storage, byteChunks(Buffer.from(text), size), {
        format: 'prometheus',
        commitEvery: 50,
        onProgress: (bytes) => progress.push(bytes),
      });
      assert.deepEqual(got, expected);
      assert.equal(progress.at(-1), Buffer.byteLength(text));
      assert.equal(storage.stats().samplesAppended, 1000);
    }
  });

  it('refuses invalid UTF-8 instead of storing U+FFFD, naming where it is', async () => {
    const good = Buffer.from('m{s="é"} 1 1000\nm{s="ok"} 2 1000\n');
    const bad = Buffer.concat([Buffer.from('m{s="x'), Buffer.from([0xff]), Buffer.from('y"} 3 1000\n')]);
    const storage = new MemoryStorage();
    await assert.rejects(
      importStream(storage, byteChunks(Buffer.concat([good, bad]), 5), {
        format: 'prometheus',
      }),
      (e: Error) => e instanceof IngestInputError && /not valid UTF-8 in line 3/.test(e.message),
    );
    const labels = [...storage.querier().select([{ type: '=', name: '__name__', value: 'm' }], 0, 2000)].map(
      (s) => s.labels.s,
    );
    assert.ok(!labels.some((v) => v.includes('\uFFFD')), `nothing replaced was stored: ${labels}`);
  });
});

describe('format detection and CSV fields', () => {
  it('detects formats from names and content', () => {
    assert.equal(detectFormat('x.om', ''), 'openmetrics');
    assert.equal(detectFormat('x.jsonl', ''), 'jsonl');
    assert.equal(detectFormat('x.csv', ''), 'csv');
    assert.equal(detectFormat('x.prom', 'a 1\n'), 'prometheus');
    assert.equal(detectFormat('x.txt', 'a 1 1\n# EOF\n'), 'openmetrics');
    assert.equal(detectFormat('data', '{"labels":{}}'), 'jsonl');
    assert.equal(detectFormat('data', 'timestamp,metric,value\n'), 'csv');
    assert.equal(detectFormat('data', '# TYPE a gauge\n# UNIT a s\n'), 'openmetrics');
    assert.equal(detectFormat('data', '# TYPE a gauge\na 1\n'), 'prometheus');
  });

  it('splits CSV lines with quotes', () => {
    assert.deepEqual(splitCsvLine('a,"b,c","d""e",'), ['a', 'b,c', 'd"e', '']);
    assert.deepEqual(splitCsvLine(''), ['']);
    assert.equal(splitCsvLine('"open'), undefined);
    assert.equal(splitCsvLine('"a"b'), undefined);
  });
});
