// The JSON-lines and CSV importers against hostile files: arbitrary text,
// near-valid lines, deep nesting, huge fields, unterminated quotes. Each bad
// line is a counted rejection naming its line and the problem; the import
// itself never throws (except a limit error naming the limit), and every
// non-blank line ends up either stored or rejected.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { openStorage } from '../storage/index.js';
import { MemoryStorage } from '../storage/memory.js';
import type { Storage } from '../storage/types.js';
import { importText } from './import.js';
import { IngestLimitError } from './limits.js';

const T = 1_700_000_000_000;

async function run(format: 'jsonl' | 'csv', text: string) {
  try {
    const s = await importText(new MemoryStorage(), text, {
      format,
      limits: { maxSamplesPerRequest: 10_000 },
    });
    for (const r of s.rejected) {
      assert.ok(r.reason.length > 0, 'a rejection says why');
      assert.ok(Number.isInteger(r.line) && r.line >= 0);
    }
    return s;
  } catch (err) {
    assert.ok(err instanceof IngestLimitError, `${(err as Error).name}: ${(err as Error).message}`);
    return null;
  }
}

describe('jsonl and csv import under hostile input', () => {
  for (const format of ['jsonl', 'csv'] as const) {
    it(`${format}: arbitrary text never throws (property)`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.string({ maxLength: 300, unit: 'binary' }),
          async (text) =>
            void (await run(format, format === 'csv' ? `timestamp,metric,value,job\n${text}` : text)),
        ),
        { numRuns: 200 },
      );
    });
  }

  it('jsonl: every non-blank line is stored or rejected once (property)', async () => {
    const line = fc.oneof(
      fc.constant(`{"labels":{"__name__":"m","a":"b"},"t":@T,"v":1}`),
      fc.constant(`{"labels":{"__name__":"m"},"t":@T,"v":"NaN"}`),
      fc.constant(`{"labels":{"__name__":"m"},"t":1e400,"v":1}`),
      fc.constant(`{"labels":{"__name__":"m"},"t":@T,"v":{"x":1}}`),
      fc.constant(`{"labels":[],"t":@T,"v":1}`),
      fc.constant(`{"labels":{"__name__":"m","bad-name":"x"},"t":@T,"v":1}`),
      fc.constant(`{"labels":{"__name__":"m"},"t":@T,"h":{"schema":99}}`),
      fc.constant('{"__proto__":{"polluted":1},"labels":{"__name__":"m"},"t":@T,"v":1}'),
      fc.constant(`${'['.repeat(100_000)}`),
      fc.constant(`{"labels":{"__name__":"m","v":"${'x'.repeat(100_000)}"},"t":@T,"v":1}`),
      fc.json({ maxDepth: 3 }),
      fc.string({ maxLength: 40 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 12 }), async (lines) => {
        // Distinct timestamps, so no line is a duplicate of another.
        const text = lines.map((l, i) => l.replaceAll('@T', String(T + i))).join('\n');
        const s = await run('jsonl', text);
        if (!s) return;
        const nonBlank = lines
          .join('\n')
          .split('\n')
          .filter((l) => l.trim() !== '').length;
        assert.equal(s.samples + s.rejectedTotal, nonBlank, JSON.stringify(s));
        assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
      }),
      { numRuns: 150 },
    );
  });

  it('csv: every data line is stored or rejected once (property)', async () => {
    const header = fc.constantFrom(
      'timestamp,metric,value,job',
      'metric,value',
      'timestamp,metric,value,"a""b"',
      '"',
    );
    const cell = fc.oneof(
      fc.constantFrom(
        String(T),
        'up',
        '1',
        'NaN',
        '+Inf',
        '"',
        '""',
        '"a,b"',
        '"unterminated',
        '',
        '2023-11-14T22:13:20Z',
        '1e400',
      ),
      fc.string({ maxLength: 8 }).filter((s) => !/[\r\n]/.test(s)),
    );
    await fc.assert(
      fc.asyncProperty(
        header,
        fc.array(fc.array(cell, { maxLength: 6 }), { maxLength: 10 }),
        async (h, rows) => {
          const text = [h, ...rows.map((r) => r.join(','))].join('\n');
          const s = await run('csv', text);
          if (!s) return;
          const dataLines = rows.map((r) => r.join(',')).filter((l) => l.trim() !== '').length;
          assert.ok(s.samples + s.rejectedTotal <= dataLines + 1, JSON.stringify(s));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('jsonl: histograms the store cannot persist are rejected; what is acknowledged survives a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sonde-import-fuzz-'));
    const dump = (store: Storage) => {
      const q = store.querier();
      const out = [...q.select([{ type: '=', name: '__name__', value: 'h' }], -Infinity, Infinity)];
      q.close();
      return JSON.stringify(out.map((x) => ({ k: x.labels.k, h: x.h })).sort((a, b) => (a.k < b.k ? -1 : 1)));
    };
    const now = Date.now() - 60_000;
    const cases: [number, number][] = [
      [1e300, 0],
      [2 ** 40, 0],
      [-(2 ** 40), 0],
      [5, 100],
      [5, 1.5],
      [5, -5],
      [-3, 8],
    ];
    const lines = cases.map(([offset, schema], k) =>
      JSON.stringify({
        labels: { __name__: 'h', k: String(k) },
        t: now,
        h: {
          schema,
          zeroThreshold: 0,
          zeroCount: 0,
          count: 2,
          sum: 1,
          positive: { offset, counts: [1, 1] },
          negative: { offset: 0, counts: [] },
        },
      }),
    );
    try {
      let store = await openStorage({ dir, maintenanceIntervalMs: 0 });
      const s = await importText(store, lines.join('\n'), { format: 'jsonl' });
      const before = dump(store);
      await store.close();
      assert.equal(s.samples, 1, JSON.stringify(s));
      assert.deepEqual(
        s.rejected.map((r) => r.line),
        [1, 2, 3, 4, 5, 6],
      );
      assert.match(s.rejected[0].reason, /offset is not a 32-bit integer/);
      assert.match(s.rejected[3].reason, /schema 100 is outside -4\.\.8/);
      store = await openStorage({ dir, maintenanceIntervalMs: 0 });
      assert.equal(dump(store), before);
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('huge and deeply nested lines are rejected with their line number', async () => {
    const deep = `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`;
    const j = await run(
      'jsonl',
      `${deep}\n{"labels":{"__name__":"ok"},"t":${T},"v":1}\n${'['.repeat(500_000)}`,
    );
    assert.ok(j);
    assert.equal(j.samples, 1);
    assert.deepEqual(
      j.rejected.map((r) => r.line),
      [1, 3],
    );
    const c = await run(
      'csv',
      `timestamp,metric,value,job\n${T},up,1,"${'x'.repeat(1_000_000)}\n${T},up,1,a\n`,
    );
    assert.ok(c);
    assert.equal(c.samples, 1);
    assert.match(c.rejected[0]?.reason ?? '', /quote|label|longer/);
  });
});
