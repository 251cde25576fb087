import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import type { Labels, MetricMetadata } from '../storage/types.js';
import { formatMetadata, formatSample } from './exposition.js';
import {
  type TextFormat,
  TextParser,
  familyOf,
  parseSampleValue,
  parseSecondsTimestamp,
  parseText,
} from './text-parser.js';

describe('text parser: Prometheus 0.0.4', () => {
  it('parses samples, labels, escapes, timestamps and metadata', () => {
    const text = [
      '# HELP http_requests_total The total number of HTTP requests.\\nSecond line \\\\ "q"',
      '# TYPE http_requests_total counter',
      'http_requests_total{method="post",code="200"} 1027 1395066363000',
      'http_requests_total{method="post",code="400"}    3 1395066363000',
      '',
      '# A normal comment',
      'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
      'metric_without_timestamp_and_labels 12.47',
      'something_weird{problem="division by zero"} +Inf -3982045',
      'nan_value NaN',
      'neg_inf{a="b",} -inf',
      'rpc_duration_seconds{quantile="0.99"}\t76656\r',
    ].join('\n');
    const { samples, metadata, errors } = parseText(text, 'prometheus');
    assert.deepEqual(errors, []);
    assert.equal(samples.length, 8);
    assert.deepEqual(samples[0], {
      labels: { __name__: 'http_requests_total', method: 'post', code: '200' },
      value: 1027,
      t: 1395066363000,
      line: 3,
    });
    assert.equal(samples[2].labels.path, 'C:\\DIR\\FILE.TXT');
    assert.equal(samples[2].labels.error, 'Cannot find file:\n"FILE.TXT"');
    assert.equal(samples[2].value, 1.458255915e9);
    assert.ok(Number.isNaN(samples[3].t));
    assert.equal(samples[4].value, Number.POSITIVE_INFINITY);
    assert.equal(samples[4].t, -3982045);
    assert.ok(Number.isNaN(samples[5].value));
    assert.equal(samples[6].value, Number.NEGATIVE_INFINITY);
    assert.deepEqual(samples[6].labels, { __name__: 'neg_inf', a: 'b' });
    assert.equal(samples[7].value, 76656);
    assert.deepEqual(metadata.get('http_requests_total'), {
      type: 'counter',
      help: 'The total number of HTTP requests.\nSecond line \\ "q"',
      unit: '',
    });
  });

  it('gives each distinct series one shared labels object', () => {
    const { samples } = parseText('a{x="1"} 1 1\na{x="1"} 2 2\na{x="2"} 3 3\n', 'prometheus');
    assert.equal(samples[0].labels, samples[1].labels);
    assert.notEqual(samples[0].labels, samples[2].labels);
  });

  it('drops empty label values, as the store does', () => {
    const { samples } = parseText('a{x="",y="1"} 1\n', 'prometheus');
    assert.deepEqual(samples[0].labels, { __name__: 'a', y: '1' });
  });

  it('rejects malformed lines with their number and a reason, and goes on', () => {
    const text = [
      'ok 1',
      '1bad 1',
      'no_value',
      'bad_value abc',
      'bad_ts 1 12.5',
      'x{a="1" 1',
      'x{a="1",a="2"} 1',
      'x{a=1} 1',
      'x{-a="1"} 1',
      'x{a="unterminated} 1',
      '# TYPE x widget',
      'x 1 2 3',
      'x{a="1"}1',
      'ok 2',
    ].join('\n');
    const { samples, errors } = parseText(text, 'prometheus');
    assert.deepEqual(
      samples.map((s) => s.value),
      [1, 2],
    );
    assert.deepEqual(
      errors.map((e) => e.line),
      [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
    );
    assert.match(errors[0].reason, /must start with a metric name/);
    assert.match(errors[1].reason, /missing value/);
    assert.match(errors[2].reason, /invalid value "abc"/);
    assert.match(errors[3].reason, /invalid timestamp "12.5"/);
    assert.match(errors[5].reason, /duplicate label "a"/);
    assert.match(errors[6].reason, /quoted value for label "a"/);
    assert.match(errors[8].reason, /unterminated/);
    assert.match(errors[9].reason, /unknown metric type "widget"/);
    assert.match(errors[10].reason, /unexpected text after timestamp/);
  });

  it('parses when lines are split across chunks', () => {
    const seen: number[] = [];
    const p = new TextParser('prometheus', { sample: (_l, v) => void seen.push(v), error: assert.fail });
    for (const chunk of ['a 1\nb', ' 2\n', 'c{x="', 'y"} 3', '\nd 4']) p.write(chunk);
    p.end();
    assert.deepEqual(seen, [1, 2, 3, 4]);
  });
});

describe('text parser: OpenMetrics 1.0', () => {
  it('parses fractional-second timestamps, UNIT, exemplars and # EOF', () => {
    const text = [
      '# TYPE acme_http_router_request_seconds summary',
      '# UNIT acme_http_router_request_seconds seconds',
      '# HELP acme_http_router_request_seconds Latency \\"quoted\\".',
      'acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32 1520879607.789',
      'acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0 1520879607.789',
      '# TYPE foo histogram',
      'foo_bucket{le="0.01"} 0 1520879607',
      'foo_bucket{le="+Inf"} 17 # {trace_id="oHg5SJYRHA0"} 9.8 1520879607.789',
      '# TYPE cpu gauge',
      'cpu 1.5 1.5e9',
      '# EOF',
    ].join('\n');
    const { samples, metadata, errors } = parseText(text, 'openmetrics');
    assert.deepEqual(errors, []);
    assert.equal(samples[0].t, 1520879607789);
    assert.equal(samples[2].t, 1520879607000);
    assert.ok(Number.isNaN(samples[3].t));
    assert.equal(samples[3].value, 17);
    assert.equal(samples[4].t, 1.5e12);
    assert.deepEqual(metadata.get('acme_http_router_request_seconds'), {
      type: 'summary',
      unit: 'seconds',
      help: 'Latency "quoted".',
    });
  });

  it('wants # EOF last and nothing after it', () => {
    assert.deepEqual(parseText('a 1 1\n', 'openmetrics').errors, [
      { line: 2, reason: 'missing "# EOF" at the end' },
    ]);
    const after = parseText('a 1 1\n# EOF\nb 2 2\nc 3\n', 'openmetrics');
    assert.equal(after.samples.length, 1);
    assert.deepEqual(after.errors, [{ line: 3, reason: 'content after "# EOF"' }]);
  });

  it('knows the OpenMetrics types and not the Prometheus-only "untyped"', () => {
    assert.equal(parseText('# TYPE a stateset\n# EOF\n', 'openmetrics').metadata.get('a')?.type, 'stateset');
    assert.equal(parseText('# TYPE a untyped\n# EOF\n', 'openmetrics').errors.length, 1);
    assert.equal(parseText('# TYPE a untyped\n', 'prometheus').metadata.get('a')?.type, 'unknown');
  });
});

describe('familyOf', () => {
  it('finds the declared family and type of a sample name', () => {
    const { metadata } = parseText(
      '# TYPE http_requests counter\n# TYPE lat histogram\n# TYPE up gauge\n# TYPE build info\n# EOF\n',
      'openmetrics',
    );
    assert.deepEqual(familyOf('http_requests_total', metadata), { family: 'http_requests', type: 'counter' });
    assert.deepEqual(familyOf('lat_bucket', metadata), { family: 'lat', type: 'histogram' });
    assert.deepEqual(familyOf('up', metadata), { family: 'up', type: 'gauge' });
    assert.deepEqual(familyOf('build_info', metadata), { family: 'build', type: 'info' });
    assert.deepEqual(familyOf('other_sum', metadata), { family: 'other_sum', type: 'unknown' });
  });
});

describe('series seen before', () => {
  it('a parser sharing its cache gives what a fresh parse gives, whatever the order and however lines resemble (property)', () => {
    // names and label texts that are prefixes of one another, lines that are almost a known series
    const series = fc.constantFrom(
      'a',
      'ab',
      'a_b',
      'a{x="1"}',
      'a{x="1",y="2"}',
      'a{x="1 }"}',
      'a{x="1\\"}"}',
      'ab{x="1"}',
    );
    const tail = fc.constantFrom(' 1', ' 2 1000', '\t3', ' 4 # {t="x"} 1', 'x 1', '} 1', ' x', '');
    const body = fc
      .array(fc.tuple(series, tail), { maxLength: 12 })
      .map((ls) => ls.map(([a, b]) => a + b).join('\n'));
    fc.assert(
      fc.property(fc.array(body, { minLength: 1, maxLength: 4 }), (bodies) => {
        const cache = new Map();
        const collect = (out: unknown[], lines = true) => ({
          sample: (labels: Labels, v: number, t: number, line: number) =>
            void out.push({ ...labels, v, t, ...(lines ? { line } : {}) }),
          error: (line: number, reason: string) => void out.push({ reason, ...(lines ? { line } : {}) }),
        });
        // one parser fed every body, and one parser per body sharing the cache
        const reusedOut: unknown[] = [];
        const reused = new TextParser('prometheus', collect(reusedOut, false), { labelCache: new Map() });
        for (const text of bodies) {
          const got: unknown[] = [];
          const fresh: unknown[] = [];
          const freshNoLines: unknown[] = [];
          new TextParser('prometheus', collect(got), { labelCache: cache }).parse(text);
          new TextParser('prometheus', collect(fresh)).parse(text);
          new TextParser('prometheus', collect(freshNoLines, false)).parse(text);
          assert.deepEqual(got, fresh);
          reusedOut.length = 0;
          reused.write(`${text}\n`);
          assert.deepEqual(reusedOut, freshNoLines);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('memory', () => {
  it('keeps no request text alive through the labels, series and metadata it keeps', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const cache = new Map();
    const kept: unknown[] = [];
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 20; i++) {
      // 5 MB of text per body, one new series (long label value, escaped value, long HELP) in each
      const filler = `filler_metric{path="/a/long/enough/path"} 1 1000\n`.repeat(100_000);
      const body = `# HELP m_${i} a help text long enough to be a slice\n# UNIT m_${i} seconds_of_time\nm_${i}{path="/api/v1/resource/${i}",q="with \\"quotes\\" ${i}"} 1 1000\n${filler}`;
      const parser = new TextParser('prometheus', { sample() {}, error() {} }, { labelCache: cache });
      parser.parse(body);
      kept.push(parser.metadata);
    }
    gc();
    const grown = (process.memoryUsage().heapUsed - before) / 2 ** 20;
    assert.ok(grown < 20, `heap grew ${grown.toFixed(0)} MiB keeping 21 series from 20 bodies of 5 MB`);
    assert.equal(cache.size, 21);
  });
});

describe('value and timestamp tokens', () => {
  it('reads values as Go ParseFloat does for the common spellings', () => {
    for (const [tok, v] of [
      ['1', 1],
      ['-1.5e-3', -1.5e-3],
      ['.5', 0.5],
      ['+Inf', Infinity],
      ['-Inf', -Infinity],
      ['Inf', Infinity],
      ['infinity', Infinity],
    ] as const) {
      assert.equal(parseSampleValue(tok), v, tok);
    }
    assert.ok(Number.isNaN(parseSampleValue('NaN')!));
    assert.ok(Number.isNaN(parseSampleValue('nan')!));
    for (const bad of ['', '0x10', '1_000', 'e', '1e', '--1', 'one', ' 1']) {
      assert.equal(parseSampleValue(bad), undefined, bad);
    }
  });

  it('turns decimal seconds into exact milliseconds', () => {
    assert.equal(parseSecondsTimestamp('1520879607.789'), 1520879607789);
    assert.equal(parseSecondsTimestamp('0.001'), 1);
    assert.equal(parseSecondsTimestamp('1.0019'), 1001);
    assert.equal(parseSecondsTimestamp('-1.5'), -1500);
    assert.equal(parseSecondsTimestamp('5'), 5000);
    assert.equal(parseSecondsTimestamp('1e3'), 1_000_000);
    assert.equal(parseSecondsTimestamp('.'), undefined);
    assert.equal(parseSecondsTimestamp('1.2.3'), undefined);
  });
});

// --- properties ------------------------------------------------------------

const metricName = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,20}$/);
const labelName = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,12}$/);
const labelValue = fc.string({ minLength: 1, maxLength: 16, unit: 'binary' });
const value = fc.oneof(
  fc.double(),
  fc.integer().map((n) => n),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0),
);
const seriesArb = fc.record({
  name: metricName,
  labels: fc.dictionary(labelName, labelValue, { maxKeys: 5 }),
  points: fc.array(
    fc.record({ v: value, t: fc.option(fc.integer({ min: -1e13, max: 1e13 }), { nil: undefined }) }),
    { minLength: 1, maxLength: 4 },
  ),
});

// HELP text loses leading blanks and a final CR, as in Prometheus; keep to what survives.
const helpArb = fc
  .string({ unit: 'binary', maxLength: 30 })
  .map((h) => h.replace(/^[ \t]+/, '').replace(/\r$/, ''));

function same(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

describe('properties', () => {
  for (const format of ['prometheus', 'openmetrics'] as TextFormat[]) {
    it(`${format}: format → parse gives back every sample`, () => {
      fc.assert(
        fc.property(fc.array(seriesArb, { maxLength: 6 }), helpArb, (all, help) => {
          let text = '';
          const expected: { labels: Labels; v: number; t: number | undefined }[] = [];
          const metas = new Map<string, MetricMetadata>();
          for (const s of all) {
            const labels: Labels = { __name__: s.name, ...s.labels };
            if (!metas.has(s.name)) {
              const meta: MetricMetadata = { type: 'gauge', help, unit: '' };
              metas.set(s.name, meta);
              text += formatMetadata(s.name, meta, format);
            }
            for (const p of s.points) {
              text += `${formatSample(labels, p.v, p.t, format)}\n`;
              expected.push({ labels, v: p.v, t: p.t });
            }
          }
          if (format === 'openmetrics') text += '# EOF\n';
          const got = parseText(text, format);
          assert.deepEqual(got.errors, []);
          assert.equal(got.samples.length, expected.length);
          got.samples.forEach((g, i) => {
            const e = expected[i];
            assert.deepEqual({ ...g.labels }, { ...e.labels });
            assert.ok(same(g.value, e.v), `value ${g.value} vs ${e.v}`);
            if (e.t === undefined) assert.ok(Number.isNaN(g.t));
            else assert.equal(g.t, e.t);
          });
          for (const [name, meta] of metas) assert.equal(got.metadata.get(name)?.help, meta.help);
        }),
        { numRuns: 300 },
      );
    });

    it(`${format}: arbitrary bytes never throw`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
          parseText(Buffer.from(bytes).toString('utf8'), format);
        }),
        { numRuns: 500 },
      );
    });

    it(`${format}: arbitrary near-miss text never throws and counts each sample or error once`, () => {
      const alphabet = fc.constantFrom(
        ...'ab_:{}="\\,# \t\n\r1.5e+-NaInf'.split(''),
        'HELP',
        'TYPE',
        'EOF',
        '\n# ',
      );
      fc.assert(
        fc.property(fc.array(alphabet, { maxLength: 200 }), (parts) => {
          const text = parts.join('');
          const got = parseText(text, format);
          for (const s of got.samples) assert.ok(typeof s.labels.__name__ === 'string');
        }),
        { numRuns: 500 },
      );
    });
  }
});
