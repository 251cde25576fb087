// The OTLP receiver against crafted input beyond random bytes: mutations of a
// valid protobuf request, and JSON with extreme values (exponential
// histograms at scale 20 with offsets near ±2^31, 64-bit counts past 2^53,
// timestamps far out of range, deep nesting). It stores, rejects samples
// with a reason, or throws IngestInputError; never anything else, never a
// histogram the store could not hold.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MemoryStorage } from '../../storage/memory.js';
import { IngestInputError } from '../limits.js';
import { OtlpReceiver } from './receive.js';
import { ExportMetricsServiceRequest } from './schema.js';

const ts = '1700000000000000000';

function request(dataPoint: Record<string, unknown>) {
  return {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
        scopeMetrics: [
          {
            metrics: [
              { name: 'g', gauge: { dataPoints: [{ timeUnixNano: ts, asDouble: 1.5 }] } },
              {
                name: 'c',
                sum: {
                  isMonotonic: true,
                  aggregationTemporality: 2,
                  dataPoints: [{ timeUnixNano: ts, asInt: '7' }],
                },
              },
              {
                name: 'h',
                histogram: {
                  aggregationTemporality: 2,
                  dataPoints: [
                    { timeUnixNano: ts, count: '3', sum: 2, bucketCounts: ['1', '2'], explicitBounds: [1] },
                  ],
                },
              },
              {
                name: 'e',
                exponentialHistogram: {
                  aggregationTemporality: 2,
                  dataPoints: [{ timeUnixNano: ts, ...dataPoint }],
                },
              },
              {
                name: 's',
                summary: {
                  dataPoints: [
                    { timeUnixNano: ts, count: '1', sum: 1, quantileValues: [{ quantile: 0.5, value: 1 }] },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

async function receive(body: Buffer, encoding: 'protobuf' | 'json'): Promise<void> {
  const storage = new MemoryStorage();
  try {
    await new OtlpReceiver(storage).receive(body, encoding);
  } catch (err) {
    assert.ok(err instanceof IngestInputError, `${(err as Error).name}: ${(err as Error).message}`);
    assert.ok(err.message.length > 0);
  }
  const q = storage.querier();
  for (const s of q.select([{ type: '=~', name: '__name__', value: '.+' }], -Infinity, Infinity)) {
    for (const h of s.h ?? []) {
      if (!h) continue;
      assert.ok(h.schema >= -4 && h.schema <= 8, `schema ${h.schema}`);
      assert.ok(h.positive.counts.length <= 16_384 && h.negative.counts.length <= 16_384);
    }
  }
  q.close();
}

const validProto = Buffer.from(
  ExportMetricsServiceRequest.encode(
    ExportMetricsServiceRequest.fromObject(
      request({ count: '3', scale: 3, positive: { offset: -2, bucketCounts: ['1', '2'] }, zeroCount: '0' }),
    ),
  ).finish(),
);

describe('OTLP receiver under crafted input', () => {
  it('random mutations of a valid protobuf request (property)', async () => {
    const edit = fc.record({
      kind: fc.constantFrom('set', 'insert', 'delete', 'cut'),
      at: fc.nat(),
      byte: fc.integer({ min: 0, max: 255 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
        let b = [...validProto];
        for (const e of edits) {
          const at = e.at % (b.length + 1);
          if (e.kind === 'set' && at < b.length) b[at] = e.byte;
          else if (e.kind === 'insert') b.splice(at, 0, e.byte);
          else if (e.kind === 'delete') b.splice(at, 1);
          else if (e.kind === 'cut') b = b.slice(0, at);
        }
        await receive(Buffer.from(b), 'protobuf');
      }),
      { numRuns: 400 },
    );
  });

  it('extreme exponential histograms, counts and timestamps (property)', async () => {
    const big = fc.constantFrom('0', '1', '9007199254740993', '18446744073709551615', '-1', '1e3', 'x');
    const int32 = fc.constantFrom(0, 1, -1, 2_147_483_647, -2_147_483_648, 1e9);
    const point = fc.record({
      count: big,
      sum: fc.constantFrom(0, 1e308, -1e308, Number.NaN),
      scale: fc.constantFrom(-10, -5, -4, 0, 8, 9, 20, 21, 1000),
      zeroCount: big,
      zeroThreshold: fc.constantFrom(0, 1e-300, -1),
      positive: fc.record({ offset: int32, bucketCounts: fc.array(big, { maxLength: 40 }) }),
      negative: fc.record({ offset: int32, bucketCounts: fc.array(big, { maxLength: 5 }) }),
      timeUnixNano: fc.constantFrom(ts, '0', '-1', '99999999999999999999999', 'soon'),
    });
    await fc.assert(
      fc.asyncProperty(point, async (p) => {
        await receive(Buffer.from(JSON.stringify(request(p))), 'json');
      }),
      { numRuns: 400 },
    );
  });

  it('deep nesting and huge attribute values', async () => {
    await receive(Buffer.from(`{"resourceMetrics":${'['.repeat(200_000)}${']'.repeat(200_000)}}`), 'json');
    const deepValue = `${'{"kvlistValue":{"values":[{"key":"k","value":'.repeat(2000)}{"stringValue":"x"}${'}]}}'.repeat(2000)}`;
    const r = request({ count: '0' });
    const attrs = `[{"key":"deep","value":${deepValue}},{"key":"big","value":{"stringValue":"${'x'.repeat(1_000_000)}"}}]`;
    const text = JSON.stringify(r).replace('"attributes":[', `"attributes":${attrs.slice(0, -1)},`);
    await receive(Buffer.from(text), 'json');
    await assert.rejects(
      new OtlpReceiver(new MemoryStorage()).receive(Buffer.from(text), 'json'),
      (err: Error) => err instanceof IngestInputError && /nested too deeply/.test(err.message),
    );
    // (protobufjs itself refuses nesting past 100 levels, in encode and decode alike.)
  });
});
