// The SDK push body from a hostile client: near-valid bodies with extreme
// values (timestamps, histogram schemas and bucket runs, prototype keys,
// huge label sets). Validation and storing either succeed, count a
// rejection, or throw IngestInputError/IngestLimitError naming the problem.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { openStorage } from '../storage/index.js';
import { MemoryStorage } from '../storage/memory.js';
import { IngestInputError, IngestLimitError } from './limits.js';
import { parsePushBody, storePush } from './push.js';

const T = 1_700_000_000_000;

async function push(json: unknown): Promise<string> {
  const storage = new MemoryStorage();
  try {
    const s = await storePush(storage, parsePushBody(json), { limits: { ...limits } });
    for (const r of s.rejected) assert.ok(r.reason.length > 0);
    return s.rejectedTotal > 0 ? `rejected: ${s.rejected[0]?.reason}` : 'ok';
  } catch (err) {
    assert.ok(
      err instanceof IngestInputError || err instanceof IngestLimitError,
      `${(err as Error).name}: ${(err as Error).message}`,
    );
    assert.ok(err.message.length > 0 && err.message.length < 4000, 'a short message');
    return `error: ${err.message}`;
  }
}

const limits = {
  maxBodyBytes: 1 << 20,
  maxDecompressedBytes: 1 << 20,
  maxSamplesPerRequest: 1000,
  maxSeriesPerRequest: 100,
  maxLabelsPerSeries: 64,
  maxLabelNameLength: 256,
  maxLabelValueLength: 4096,
  maxRejectedReported: 100,
};

function dump(store: import('../storage/types.js').Storage): string {
  const q = store.querier();
  const out = [...q.select([{ type: '=', name: '__name__', value: 'h' }], -Infinity, Infinity)].map((s) =>
    JSON.stringify({ k: s.labels.k, t: [...s.t], h: s.h }),
  );
  q.close();
  return out.sort().join('\n');
}

const time = fc.constantFrom(T, 0, -1, 2 ** 53, 2 ** 53 + 2, 1e300, -1e300, 1.5, Number.NaN);
const num = fc.constantFrom(0, 1, -1, 1e308, -1e308, 'NaN', '+Inf', '-Inf', 'Inf', 'x', null);
const run = fc.record({
  offset: fc.constantFrom(0, -5, 2_147_483_647, -2_147_483_648, 1e300, 0.5),
  counts: fc.array(fc.constantFrom(0, 1, 1e308, -1, 0.5), { maxLength: 20 }),
});
const histogram = fc.record({
  schema: fc.constantFrom(-5, -4, 0, 8, 9, 100, 1.5),
  zeroThreshold: fc.constantFrom(0, 1e-128, -1),
  zeroCount: fc.constantFrom(0, 1, -1),
  count: fc.constantFrom(0, 3, -1, 1e308),
  sum: fc.constantFrom(0, 1.5, 1e308),
  positive: run,
  negative: run,
});
const labelKey = fc.constantFrom(
  '__name__',
  'job',
  '__proto__',
  'constructor',
  'toString',
  '',
  'bad-name',
  '0',
  '\u{1F600}',
);
const labelValue = fc.constantFrom('m', '', 'x'.repeat(5000), '\uD800', 'https://u:p@h/', 'v');

describe('SDK push body under hostile input', () => {
  it('near-valid bodies with extreme values (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          labels: fc.option(fc.dictionary(labelKey, labelValue, { maxKeys: 3 }), { nil: undefined }),
          series: fc.array(
            fc.record({
              labels: fc.dictionary(labelKey, labelValue, { maxKeys: 4 }),
              samples: fc.option(fc.array(fc.tuple(time, num), { maxLength: 4 }), { nil: undefined }),
              histograms: fc.option(fc.array(fc.tuple(time, histogram), { maxLength: 2 }), {
                nil: undefined,
              }),
            }),
            { maxLength: 4 },
          ),
        }),
        async (body) => void (await push(body)),
      ),
      { numRuns: 400 },
    );
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('what is acknowledged survives a restart of the real store, bit for bit (property)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sonde-push-fuzz-'));
    try {
      const now = Date.now() - 60_000;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.nat(50), histogram), { minLength: 1, maxLength: 6 }),
          async (hs) => {
            await rm(dir, { recursive: true, force: true });
            let store = await openStorage({ dir, maintenanceIntervalMs: 0 });
            let stored: string;
            try {
              const body = {
                series: hs.map(([i, h], k) => ({
                  labels: { __name__: 'h', k: String(k) },
                  histograms: [[now + i, h]],
                })),
              };
              try {
                await storePush(store, parsePushBody(body), { limits });
              } catch (err) {
                assert.ok(err instanceof IngestInputError, String(err));
              }
              stored = dump(store);
            } finally {
              await store.close();
            }
            store = await openStorage({ dir, maintenanceIntervalMs: 0 });
            try {
              assert.equal(dump(store), stored);
            } finally {
              await store.close();
            }
          },
        ),
        { numRuns: 25 },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a histogram asking for a million buckets is refused, not stored', async () => {
    const counts = new Array(1_000_000).fill(1);
    const r = await push({
      series: [
        {
          labels: { __name__: 'h' },
          histograms: [
            [
              T,
              {
                schema: 0,
                zeroThreshold: 0,
                zeroCount: 0,
                count: 1e6,
                sum: 1,
                positive: { offset: 0, counts },
              },
            ],
          ],
        },
      ],
    });
    assert.match(r, /^(error|rejected): .*buckets/);
  });

  it('bodies that are not push bodies name the field', async () => {
    for (const body of [
      null,
      1,
      'x',
      [],
      { series: 'x' },
      { series: [{ labels: [] }] },
      JSON.parse(`${'['.repeat(10_000)}${']'.repeat(10_000)}`),
    ]) {
      assert.match(await push(body), /^error: invalid push body: /);
    }
    assert.match(
      await push({
        series: [{ labels: { __name__: 'm' }, samples: Array.from({ length: 5000 }, (_, i) => [T + i, 1]) }],
      }),
      /^error: .*more than 1000 samples/,
    );
  });
});
