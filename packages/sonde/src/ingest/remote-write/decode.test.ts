import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { STALE_NAN, isStaleNaN } from '../../storage/labels.js';
import { openStorage } from '../../storage/db.js';
import { MemoryStorage } from '../../storage/memory.js';
import type { HistogramSample, Labels, MetricMetadata } from '../../storage/types.js';
import { IngestInputError, IngestLimitError } from '../limits.js';
import { REDACTED } from '../redact.js';
import { snappyCompress } from '../snappy.js';
import { WriteRequestDecoder } from './decode.js';
import { RemoteWriteReceiver } from './receive.js';
import { WriteRequestType } from './schema.js';

interface Got {
  series: { labels: Labels; samples: [number, number][]; histograms: [number, HistogramSample][] }[];
  metadata: [string, MetricMetadata][];
  invalid: string[];
}

function decode(buf: Buffer, decoder = new WriteRequestDecoder()): Got {
  const got: Got = { series: [], metadata: [], invalid: [] };
  decoder.decode(buf, {
    series: (labels) => void got.series.push({ labels, samples: [], histograms: [] }),
    sample: (t, v) => void got.series.at(-1)!.samples.push([t, v]),
    histogram: (t, h) => void got.series.at(-1)!.histograms.push([t, h]),
    invalid: (reason) => void got.invalid.push(reason),
    metadata: (name, meta) => void got.metadata.push([name, meta]),
  });
  return got;
}

function encode(obj: object): Buffer {
  return Buffer.from(WriteRequestType.encode(WriteRequestType.fromObject(obj)).finish());
}

const labelArb = fc.record({
  name: fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/),
  value: fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
});
const sampleArb = fc.record({
  value: fc.double(),
  timestamp: fc.integer({ min: -1e13, max: 2 ** 52 }),
});

describe('remote_write decoder', () => {
  it('decodes what protobufjs encodes: labels, samples, negative timestamps (property)', () => {
    const decoder = new WriteRequestDecoder();
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            labels: fc.uniqueArray(labelArb, { selector: (l) => l.name, maxLength: 6 }),
            samples: fc.array(sampleArb, { maxLength: 5 }),
          }),
          { maxLength: 8 },
        ),
        (timeseries) => {
          const got = decode(encode({ timeseries }), decoder);
          assert.equal(got.series.length, timeseries.length);
          timeseries.forEach((ts, i) => {
            assert.deepEqual(
              { ...got.series[i].labels },
              Object.fromEntries(ts.labels.map((l) => [l.name, l.value])),
            );
            assert.deepEqual(
              got.series[i].samples,
              ts.samples.map((s) => [s.timestamp, s.value]),
            );
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('hands back the same labels object for the same series across requests', () => {
    const decoder = new WriteRequestDecoder();
    const body = encode({
      timeseries: [{ labels: [{ name: '__name__', value: 'up' }], samples: [{ value: 1 }] }],
    });
    assert.equal(decode(body, decoder).series[0].labels, decode(body, decoder).series[0].labels);
  });

  it('gives each series its own labels whatever order the requests repeat them in', () => {
    const decoder = new WriteRequestDecoder();
    const ts = (name: string, v: number) => ({
      labels: [
        { name: '__name__', value: name },
        { name: 'k', value: 'v' },
      ],
      samples: [{ value: v, timestamp: 1 }],
    });
    for (const order of [
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
      ['c', 'a', 'b'],
      ['a', 'a', 'b'],
      ['b'],
      ['a', 'c'],
    ]) {
      const got = decode(encode({ timeseries: order.map((n, i) => ts(n, i)) }), decoder);
      assert.deepEqual(
        got.series.map((s) => [s.labels.__name__, s.samples[0][1]]),
        order.map((n, i) => [n, i]),
      );
    }
  });

  it('tells a repeated series from one that starts with its label bytes and has more', () => {
    const decoder = new WriteRequestDecoder();
    const label = (name: string, value: string) => ({ name, value });
    const a = { labels: [label('__name__', 'a')], samples: [{ value: 1, timestamp: 1 }] };
    const b = { labels: [label('__name__', 'b'), label('k', 'v')], samples: [{ value: 2, timestamp: 1 }] };
    const bMore = { labels: [...b.labels, label('z', 'more')], samples: [{ value: 3, timestamp: 1 }] };
    const names = (body: Buffer) => decode(body, decoder).series.map((s) => ({ ...s.labels }));
    assert.deepEqual(names(encode({ timeseries: [a, b] })), [{ __name__: 'a' }, { __name__: 'b', k: 'v' }]);
    assert.deepEqual(names(encode({ timeseries: [a, bMore] })), [
      { __name__: 'a' },
      { __name__: 'b', k: 'v', z: 'more' },
    ]);
    assert.deepEqual(names(encode({ timeseries: [a, b] })), [{ __name__: 'a' }, { __name__: 'b', k: 'v' }]);
    // b's label bytes, its sample, then one more label after the sample (fields out of order)
    const bBytes = encode({ timeseries: [b] });
    const extra = encode({ timeseries: [{ labels: [label('z', 'late')] }] });
    const late = Buffer.concat([bBytes.subarray(2), extra.subarray(2)]);
    const series = Buffer.concat([Buffer.from([0x0a, late.length]), late]);
    assert.deepEqual(names(Buffer.concat([encode({ timeseries: [a] }), series])), [
      { __name__: 'a' },
      { __name__: 'b', k: 'v', z: 'late' },
    ]);
    assert.deepEqual(names(encode({ timeseries: [a, b] })), [{ __name__: 'a' }, { __name__: 'b', k: 'v' }]);
  });

  it('decodes integer and float native histograms into dense runs, and metadata', () => {
    const got = decode(
      encode({
        timeseries: [
          {
            labels: [{ name: '__name__', value: 'lat' }],
            histograms: [
              {
                count_int: 10,
                sum: 12.5,
                schema: 1,
                zero_threshold: 0.001,
                zero_count_int: 2,
                positive_spans: [
                  { offset: -1, length: 2 },
                  { offset: 2, length: 1 },
                ],
                positive_deltas: [3, -1, 1],
                negative_spans: [{ offset: 0, length: 1 }],
                negative_deltas: [2],
                timestamp: 5000,
              },
              {
                count_float: 1.5,
                sum: 1,
                schema: 0,
                zero_count_float: 0.5,
                positive_spans: [{ offset: 3, length: 1 }],
                positive_counts: [1],
                timestamp: 6000,
              },
            ],
          },
        ],
        metadata: [{ type: 3, metric_family_name: 'lat', help: 'Latency.', unit: 'seconds' }],
      }),
    );
    assert.deepEqual(got.series[0].histograms, [
      [
        5000,
        {
          schema: 1,
          zeroThreshold: 0.001,
          zeroCount: 2,
          count: 10,
          sum: 12.5,
          positive: { offset: -1, counts: [3, 2, 0, 0, 3] },
          negative: { offset: 0, counts: [2] },
        },
      ],
      [
        6000,
        {
          schema: 0,
          zeroThreshold: 0,
          zeroCount: 0.5,
          count: 1.5,
          sum: 1,
          positive: { offset: 3, counts: [1] },
          negative: { offset: 0, counts: [] },
        },
      ],
    ]);
    assert.deepEqual(got.metadata, [['lat', { type: 'histogram', help: 'Latency.', unit: 'seconds' }]]);
  });

  it('reports histograms whose spans and counts disagree', () => {
    const got = decode(
      encode({
        timeseries: [
          {
            labels: [{ name: '__name__', value: 'lat' }],
            histograms: [
              {
                count_int: 1,
                positive_spans: [{ offset: 0, length: 2 }],
                positive_deltas: [1],
                timestamp: 1,
              },
            ],
          },
        ],
      }),
    );
    assert.equal(got.series[0].histograms.length, 0);
    assert.match(got.invalid[0], /spans cover 2 buckets but 1 counts/);
  });

  it('fails on truncated input with IngestInputError, never anything else (property)', () => {
    const body = encode({
      timeseries: [
        { labels: [{ name: '__name__', value: 'up' }], samples: [{ value: 1, timestamp: 1700000000000 }] },
      ],
    });
    for (let cut = 1; cut < body.length; cut++) {
      try {
        decode(body.subarray(0, cut));
      } catch (err) {
        assert.ok(err instanceof IngestInputError, String(err));
      }
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decode(Buffer.from(bytes));
        } catch (err) {
          assert.ok(err instanceof IngestInputError, String(err));
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('RemoteWriteReceiver', () => {
  it('stores a snappy-compressed request and keeps stale markers bit-exact', async () => {
    const storage = new MemoryStorage();
    const receiver = new RemoteWriteReceiver(storage);
    const body = encode({
      timeseries: [
        {
          labels: [
            { name: '__name__', value: 'up' },
            { name: 'job', value: 'node' },
          ],
          samples: [
            { value: 1, timestamp: 1000 },
            { value: STALE_NAN, timestamp: 2000 },
          ],
        },
        { labels: [{ name: 'no_name', value: 'x' }], samples: [{ value: 1, timestamp: 1000 }] },
      ],
    });
    const summary = await receiver.receive(snappyCompress(body));
    assert.equal(summary.samples, 2);
    assert.equal(summary.series, 1);
    assert.match(summary.rejected[0].reason, /no metric name/);
    const q = storage.querier();
    const [s] = [...q.select([{ type: '=', name: '__name__', value: 'up' }], 0, 5000)];
    assert.deepEqual({ ...s.labels }, { __name__: 'up', job: 'node' });
    assert.equal(s.v[0], 1);
    assert.ok(isStaleNaN(s.v[1]));
  });

  it('counts series per request while checking each series once across requests', async () => {
    const storage = new MemoryStorage();
    const receiver = new RemoteWriteReceiver(storage);
    const body = (t: number) =>
      snappyCompress(
        encode({
          timeseries: [
            { labels: [{ name: '__name__', value: 'a' }], samples: [{ value: 1, timestamp: t }] },
            { labels: [{ name: '__name__', value: 'b' }], samples: [{ value: 1, timestamp: t }] },
            { labels: [{ name: 'bad-name', value: 'x' }], samples: [{ value: 1, timestamp: t }] },
          ],
        }),
      );
    for (const t of [1000, 2000, 3000]) {
      const summary = await receiver.receive(body(t));
      assert.equal(summary.series, 2);
      assert.equal(summary.samples, 2);
      assert.equal(summary.rejectedTotal, 1);
    }
    assert.equal(storage.stats().series, 2);
  });

  it('keeps the store handle of each series across requests, and a deleted series comes back whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sonde-rw-'));
    const storage = await openStorage({ dir, maintenanceIntervalMs: 0 });
    try {
      const receiver = new RemoteWriteReceiver(storage);
      const t0 = Date.now() - 60_000;
      const body = (t: number) =>
        snappyCompress(
          encode({
            timeseries: [
              {
                labels: [
                  { name: '__name__', value: 'a' },
                  { name: 'url', value: 'https://user:hunter2@example.com/' },
                ],
                samples: [{ value: t, timestamp: t }],
              },
              { labels: [{ name: 'bad-name', value: 'x' }], samples: [{ value: 1, timestamp: t }] },
            ],
          }),
        );
      for (const t of [t0, t0 + 1000]) assert.equal((await receiver.receive(body(t))).samples, 1);
      assert.equal(await storage.deleteSeries([{ type: '=', name: '__name__', value: 'a' }]), 1);
      const summary = await receiver.receive(body(t0 + 2000));
      assert.deepEqual([summary.series, summary.samples, summary.rejectedTotal], [1, 1, 1]);
      const q = storage.querier();
      const got = [...q.select([{ type: '=', name: '__name__', value: 'a' }], 0, Date.now())];
      q.close();
      assert.equal(got.length, 1);
      assert.deepEqual({ ...got[0].labels }, { __name__: 'a', url: `https://user:${REDACTED}@example.com/` });
      assert.deepEqual([...got[0].t], [t0 + 2000]);
    } finally {
      await storage.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses bodies that are not snappy, or that decompress past the limit', async () => {
    const receiver = new RemoteWriteReceiver(new MemoryStorage(), { limits: { maxDecompressedBytes: 10 } });
    await assert.rejects(
      receiver.receive(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff])),
      IngestInputError,
    );
    await assert.rejects(
      receiver.receive(snappyCompress(Buffer.alloc(100))),
      (err: unknown) => err instanceof IngestLimitError && err.status === 413,
    );
  });
});
