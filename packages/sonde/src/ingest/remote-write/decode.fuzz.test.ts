// The remote_write decoder against crafted protobuf: varints that never end
// or overflow, lengths past the end of the body or of the enclosing message,
// and random mutations of valid requests (histograms and metadata included).
// It decodes, reports an invalid series, or throws IngestInputError naming
// the problem; nothing else.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { IngestInputError } from '../limits.js';
import { WriteRequestDecoder } from './decode.js';
import { WriteRequestType } from './schema.js';

/** 'ok', 'invalid: <first reason>', or the IngestInputError's message. */
function decode(buf: Buffer): string {
  const invalid: string[] = [];
  try {
    new WriteRequestDecoder().decode(buf, {
      series: () => {},
      sample: () => {},
      histogram: (_t, h) => {
        assert.ok(h.positive.counts.length <= 16_384 && h.negative.counts.length <= 16_384);
      },
      invalid: (reason) => void invalid.push(reason),
      metadata: () => {},
    });
  } catch (err) {
    assert.ok(err instanceof IngestInputError, `${(err as Error).name}: ${(err as Error).message}`);
    assert.ok(err.message.length > 0);
    return err.message;
  }
  for (const reason of invalid) assert.ok(reason.length > 0);
  return invalid.length > 0 ? `invalid: ${invalid[0]}` : 'ok';
}

const valid = Buffer.from(
  WriteRequestType.encode(
    WriteRequestType.fromObject({
      timeseries: [
        {
          labels: [
            { name: '__name__', value: 'http_requests_total' },
            { name: 'job', value: 'api' },
          ],
          samples: [
            { value: 1.5, timestamp: 1_700_000_000_000 },
            { value: -2, timestamp: 1_700_000_015_000 },
          ],
        },
        {
          labels: [{ name: '__name__', value: 'latency' }],
          histograms: [
            {
              count_int: 6,
              sum: 3.5,
              schema: 3,
              zero_threshold: 1e-128,
              zero_count_int: 1,
              positive_spans: [
                { offset: -2, length: 2 },
                { offset: 3, length: 1 },
              ],
              positive_deltas: [1, 1, -1],
              negative_spans: [{ offset: 0, length: 1 }],
              negative_deltas: [2],
              timestamp: 1_700_000_000_000,
            },
          ],
        },
      ],
      metadata: [{ type: 1, metric_family_name: 'http_requests_total', help: 'Requests.', unit: '' }],
    }),
  ).finish(),
);

describe('remote_write decoder under crafted protobuf', () => {
  it('decodes the valid request', () => {
    assert.equal(decode(valid), 'ok');
  });

  it('refuses varints that never end or overflow, and lengths past the end', () => {
    const ff = (n: number) => Array<number>(n).fill(0xff);
    const cases: [string, number[]][] = [
      ['tag varint of 12 bytes', ff(12)],
      ['tag varint cut short', [0x8a]],
      ['length varint of 11 bytes', [0x0a, ...ff(11)]],
      ['length 2^32-1 past the end', [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]],
      ['length 2^35 past the end', [0x0a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]],
      ['label length past the series', [0x0a, 0x04, 0x0a, 0x7f, 0x0a, 0x00]],
      ['timestamp varint of 11 bytes', [0x0a, 0x0e, 0x12, 0x0c, 0x10, ...ff(11)]],
      ['fixed64 value cut short', [0x0a, 0x04, 0x12, 0x02, 0x09, 0x01]],
      ['wire type 7', [0x0f, 0x00]],
      ['group start without end', [0x0b]],
    ];
    for (const [what, bytes] of cases) {
      const r = decode(Buffer.from(bytes));
      assert.notEqual(r, 'ok', what);
    }
  });

  it('histogram spans asking for billions of buckets are reported, not allocated', () => {
    const body = Buffer.from(
      WriteRequestType.encode(
        WriteRequestType.fromObject({
          timeseries: [
            {
              labels: [{ name: '__name__', value: 'h' }],
              histograms: [
                {
                  count_int: 2,
                  schema: 0,
                  positive_spans: [
                    { offset: -2_000_000_000, length: 1 },
                    { offset: 2_000_000_000, length: 1 },
                  ],
                  positive_deltas: [1, 0],
                  timestamp: 1,
                },
              ],
            },
          ],
        }),
      ).finish(),
    );
    assert.match(decode(body), /^invalid: histogram: histogram spans \d+ buckets, more than 16384/);
  });

  it('random mutations of a valid request never throw anything but IngestInputError (property)', () => {
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({
        kind: fc.constant('insert' as const),
        at: fc.nat(),
        byte: fc.integer({ min: 0, max: 255 }),
      }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), byte: fc.constant(0) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), byte: fc.constant(0) }),
    );
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        let b = [...valid];
        for (const e of edits) {
          const at = e.at % (b.length + 1);
          if (e.kind === 'set' && at < b.length) b[at] = e.byte;
          else if (e.kind === 'insert') b.splice(at, 0, e.byte);
          else if (e.kind === 'delete') b.splice(at, 1);
          else if (e.kind === 'cut') b = b.slice(0, at);
        }
        decode(Buffer.from(b));
      }),
      { numRuns: 1500 },
    );
  });
});
