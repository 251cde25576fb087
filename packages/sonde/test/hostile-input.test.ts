// The real server, fed hostile input on every route: garbage bodies, wrong
// content types and encodings, decompression bombs, truncated messages, huge
// labels, deep nesting, invalid UTF-8, absurd query parameters and
// catastrophic regexes. Each must get a 4xx naming the problem (or a counted
// rejection), and afterwards the server must be healthy, its memory bounded,
// and the data stored before it unchanged.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { WriteRequestType, snappyCompress } from '../src/ingest/index.js';
import { type SondeProcess, startSondeProcess, waitFor } from './support/sonde-process.js';

interface Answer {
  status: number;
  text: string;
  json: { status?: string; error?: string; errorType?: string; [k: string]: unknown } | null;
}

// Recent enough for the store's out-of-order window; whole seconds for the query API.
const SEED_T0 = Math.floor(Date.now() / 60_000) * 60_000 - 600_000;

async function rssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
  assert.ok(m, 'VmRSS in /proc/<pid>/status');
  return Number(m[1]);
}

function remoteWriteBody(series: { labels: Record<string, string>; samples: [number, number][] }[]): Buffer {
  const msg = WriteRequestType.fromObject({
    timeseries: series.map((s) => ({
      labels: Object.entries(s.labels)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, value]) => ({ name, value })),
      samples: s.samples.map(([timestamp, value]) => ({ timestamp, value })),
    })),
  });
  return Buffer.from(WriteRequestType.encode(msg).finish());
}

/** A gzip stream of many members, each 16 MiB of zeros: about 16 KiB on the wire per 16 MiB inflated. */
function gzipBomb(totalMiB: number): Buffer {
  const member = gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 });
  return Buffer.concat(Array.from({ length: Math.ceil(totalMiB / 16) }, () => member));
}

describe('hostile input against the real server', () => {
  let dataDir = '';
  let sonde: SondeProcess;
  let seeded = '';

  async function call(
    method: string,
    path: string,
    body?: Buffer | string,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const res = await fetch(`${sonde.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let json: Answer['json'] = null;
    try {
      json = JSON.parse(text) as Answer['json'];
    } catch {}
    return { status: res.status, text, json };
  }

  /** Posts a body the server may refuse before reading it all (it then closes the socket mid-upload). */
  function postUnread(path: string, body: Buffer): Promise<Answer> {
    // Only the headers and a first slice are sent: the answer must come from the declared length,
    // before the body is read (writing it all raced the server's close: EPIPE and no answer).
    return new Promise((resolve, reject) => {
      const req = request(`${sonde.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      });
      let answered = false;
      req.on('response', async (res) => {
        answered = true;
        let text = '';
        for await (const chunk of res) text += chunk;
        req.destroy();
        resolve({ status: res.statusCode ?? 0, text, json: JSON.parse(text) });
      });
      req.on('error', (err) => {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EPIPE' && code !== 'ECONNRESET') reject(err);
      });
      req.on('close', () => {
        if (!answered) reject(new Error(`${path}: the connection closed without an answer`));
      });
      req.write(body.subarray(0, 64 * 1024));
    });
  }

  /** A 4xx answer in Prometheus's error shape whose message matches `problem`. */
  function assertRefused(a: Answer, problem: RegExp, what: string): void {
    assert.ok(
      a.status >= 400 && a.status < 500,
      `${what}: wanted a 4xx, got ${a.status} ${a.text.slice(0, 300)}`,
    );
    assert.ok(a.json, `${what}: the error is JSON: ${a.text.slice(0, 300)}`);
    assert.equal(a.json.status, 'error', what);
    assert.match(String(a.json.error), problem, what);
  }

  async function seriesNamed(name: string): Promise<Record<string, string>[]> {
    const a = await call(
      'GET',
      `/api/v1/series?${new URLSearchParams({ 'match[]': `{__name__="${name}"}` })}`,
    );
    assert.equal(a.status, 200, a.text);
    return (a.json as unknown as { data: Record<string, string>[] }).data;
  }

  async function seedSnapshot(): Promise<string> {
    const q = new URLSearchParams({
      query: '{__name__=~"hostile_seed.*"}',
      start: String(SEED_T0 / 1000),
      end: String(SEED_T0 / 1000 + 100),
      step: '5',
    });
    const a = await call('GET', `/api/v1/query_range?${q}`);
    assert.equal(a.status, 200, a.text);
    return JSON.stringify(a.json);
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sonde-hostile-'));
    sonde = await startSondeProcess(['--data-dir', dataDir, '--log-level', 'debug']);
    await waitFor('healthy', async () =>
      (await fetch(`${sonde.url}/-/healthy`)).status === 200 ? true : undefined,
    );
    // Data stored before the abuse, by push and by remote_write, with a label
    // value long enough to make a backtracking regex explode.
    const push = await call(
      'POST',
      '/api/sonde/v1/push',
      JSON.stringify({
        series: [
          {
            labels: { __name__: 'hostile_seed_push', k: 'v' },
            samples: Array.from({ length: 20 }, (_, i) => [SEED_T0 + i * 5000, i * 1.5]),
          },
          {
            labels: { __name__: 'hostile_seed_push', k: `${'a'.repeat(64)}!` },
            samples: [[SEED_T0, 7]],
          },
        ],
      }),
      { 'content-type': 'application/json' },
    );
    assert.equal(push.status, 200, push.text);
    const rw = await call(
      'POST',
      '/api/v1/write',
      snappyCompress(
        remoteWriteBody([
          {
            labels: { __name__: 'hostile_seed_rw', k: 'w' },
            samples: Array.from({ length: 20 }, (_, i) => [SEED_T0 + i * 5000, 100 - i] as [number, number]),
          },
        ]),
      ),
      { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
    );
    assert.equal(rw.status, 204, rw.text);
    seeded = await seedSnapshot();
    assert.match(seeded, /hostile_seed_push/);
    assert.match(seeded, /hostile_seed_rw/);
  });

  after(async () => {
    if (sonde) await sonde.stop('SIGTERM');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses garbage, wrong types and wrong encodings on every ingest route', async () => {
    const garbage = Buffer.from([0xff, 0x00, 0x13, 0x37, 0xde, 0xad, 0xbe, 0xef, 0x0a, 0x7b, 0x22]);
    const routes: [string, Record<string, string>, RegExp, Buffer?][] = [
      ['/api/v1/write', { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' }, /snappy/],
      ['/api/v1/write', { 'content-type': 'application/x-protobuf' }, /snappy/],
      [
        '/v1/metrics',
        { 'content-type': 'application/x-protobuf' },
        /OTLP|protobuf|invalid|index out of range/i,
      ],
      ['/v1/metrics', { 'content-type': 'application/json' }, /JSON/],
      ['/v1/metrics', { 'content-type': 'image/png' }, /Content-Type/i],
      // The garbage starts with 0xff: refused as invalid UTF-8 before it is read as JSON.
      ['/api/sonde/v1/push', { 'content-type': 'application/json' }, /not valid UTF-8 at line 1 \(byte 0\)/],
      ['/api/sonde/v1/push', { 'content-type': 'application/json' }, /not JSON/, Buffer.from('{"series": [')],
      ['/api/sonde/v1/push', { 'content-type': 'text/plain' }, /Content-Type/],
    ];
    for (const [path, headers, problem, body] of routes) {
      assertRefused(
        await call('POST', path, body ?? garbage, headers),
        problem,
        `${path} ${JSON.stringify(headers)}`,
      );
    }
    // Text imports read line by line: a garbage line is a counted rejection, not a failed request.
    for (const format of ['prometheus', 'openmetrics', 'jsonl', 'csv']) {
      const a = await call('POST', `/api/v1/import/${format}`, garbage, { 'content-type': 'text/plain' });
      if (a.status >= 400) assertRefused(a, /./, `import ${format}`);
      else assert.ok(JSON.stringify(a.json).match(/reject|error/i), `import ${format} counts it: ${a.text}`);
    }
    const encodings: [string, RegExp][] = [
      ['gzip', /not valid gzip/],
      ['deflate', /not valid deflate/],
      ['br', /unsupported Content-Encoding "br"/],
      ['zstd', /unsupported Content-Encoding "zstd"/],
    ];
    for (const [encoding, problem] of encodings) {
      for (const path of ['/api/sonde/v1/push', '/v1/metrics', '/api/v1/import/prometheus']) {
        const a = await call('POST', path, '{"series": []}', {
          'content-type': 'application/json',
          'content-encoding': encoding,
        });
        assertRefused(a, problem, `${path} with Content-Encoding ${encoding}`);
      }
    }
    assertRefused(
      await call('POST', '/api/v1/write', gzipSync(remoteWriteBody([])), {
        'content-type': 'application/x-protobuf',
        'content-encoding': 'gzip',
      }),
      /snappy/,
      'remote_write gzipped instead of snappy',
    );
  });

  it('refuses decompression bombs by their size, without inflating them', async (t) => {
    const pid = sonde.child.pid as number;
    const rssBefore = await rssKiB(pid);
    const bomb = gzipBomb(1024); // 1 GiB inflated, about 1 MiB sent
    assert.ok(bomb.length < 2 * 1024 * 1024);
    for (const path of ['/api/sonde/v1/push', '/v1/metrics', '/api/v1/import/prometheus']) {
      const a = await call('POST', path, bomb, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      });
      assert.equal(a.status, 413, `${path}: ${a.text}`);
      assertRefused(a, /decompressed body is larger than \d+ bytes \(ingest\.max_decompressed_bytes\)/, path);
    }
    // A snappy block announcing 4 GiB in five bytes.
    const snappyBomb = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x0f, 0x00]);
    const s = await call('POST', '/api/v1/write', snappyBomb, {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
    });
    assert.equal(s.status, 413, s.text);
    assertRefused(s, /max_decompressed_bytes/, 'snappy bomb');
    // A body over the byte limit is refused without being read into memory whole.
    const huge = await postUnread('/api/sonde/v1/push', Buffer.alloc(40 * 1024 * 1024, 0x20));
    assert.equal(huge.status, 413, huge.text);
    assertRefused(huge, /max_body_bytes/, 'body over the limit');
    const rssAfter = await rssKiB(pid);
    t.diagnostic(
      `RSS ${Math.round(rssBefore / 1024)} → ${Math.round(rssAfter / 1024)} MiB across 1 GiB gzip bombs`,
    );
    // The decompression limit (256 MiB) bounds what one request may cost; 1 GiB never materialises.
    assert.ok(rssAfter - rssBefore < 700 * 1024, `RSS grew ${rssBefore} → ${rssAfter} KiB`);
  });

  it('refuses truncated messages', async () => {
    const whole = remoteWriteBody([
      { labels: { __name__: 'hostile_truncated', a: 'b'.repeat(50) }, samples: [[SEED_T0, 1]] },
    ]);
    for (const cut of [1, 7, whole.length - 3]) {
      const a = await call('POST', '/api/v1/write', snappyCompress(whole.subarray(0, cut)), {
        'content-type': 'application/x-protobuf',
        'content-encoding': 'snappy',
      });
      assertRefused(a, /truncat|past the end|invalid|length|out of range/i, `remote_write cut at ${cut}`);
    }
    const snappyCut = snappyCompress(whole);
    assertRefused(
      await call('POST', '/api/v1/write', snappyCut.subarray(0, snappyCut.length - 5), {
        'content-type': 'application/x-protobuf',
        'content-encoding': 'snappy',
      }),
      /snappy/,
      'truncated snappy',
    );
    const push = '{"series":[{"labels":{"__name__":"hostile_truncated"},"samples":[[1700000000000,';
    assertRefused(
      await call('POST', '/api/sonde/v1/push', push, { 'content-type': 'application/json' }),
      /not JSON/,
      'truncated push',
    );
    assertRefused(
      await call('POST', '/v1/metrics', '{"resourceMetrics":[{"scopeMetrics":[', {
        'content-type': 'application/json',
      }),
      /JSON/,
      'truncated OTLP JSON',
    );
    assert.deepEqual(await seriesNamed('hostile_truncated'), []);
  });

  it('refuses huge labels and label sets, naming the limit', async () => {
    const bigValue = 'x'.repeat(10 * 1024 * 1024);
    const manyLabels: Record<string, string> = { __name__: 'hostile_many_labels' };
    for (let i = 0; i < 100_000; i++) manyLabels[`l${i}`] = 'v';
    const bodies: [string, unknown][] = [
      [
        '10 MB label value',
        { series: [{ labels: { __name__: 'hostile_big', v: bigValue }, samples: [[SEED_T0, 1]] }] },
      ],
      ['100k labels', { series: [{ labels: manyLabels, samples: [[SEED_T0, 1]] }] }],
      [
        '10 MB label name',
        { series: [{ labels: { __name__: 'hostile_big', [bigValue]: 'v' }, samples: [[SEED_T0, 1]] }] },
      ],
    ];
    for (const [what, body] of bodies) {
      const a = await call('POST', '/api/sonde/v1/push', JSON.stringify(body), {
        'content-type': 'application/json',
      });
      if (a.status === 200) {
        // A counted rejection: the answer says which limit, nothing is stored.
        assert.match(
          a.text,
          /label .*longer than \d+|labels, more than \d+/,
          `${what}: ${a.text.slice(0, 300)}`,
        );
      } else {
        assertRefused(a, /label/i, what);
      }
    }
    const rw = await call(
      'POST',
      '/api/v1/write',
      snappyCompress(
        remoteWriteBody([{ labels: { __name__: 'hostile_big', v: bigValue }, samples: [[SEED_T0, 1]] }]),
      ),
      { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
    );
    assert.ok(
      rw.status === 204 || (rw.status >= 400 && rw.status < 500),
      `remote_write 10 MB label: ${rw.status}`,
    );
    assert.deepEqual(await seriesNamed('hostile_big'), []);
    assert.deepEqual(await seriesNamed('hostile_many_labels'), []);
  });

  it('refuses deeply nested JSON and invalid UTF-8 without crashing', async () => {
    const deep = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
    const deepObj = `${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`;
    for (const body of [deep, deepObj]) {
      assertRefused(
        await call('POST', '/api/sonde/v1/push', body, { 'content-type': 'application/json' }),
        /invalid push body|not JSON/,
        'deep push',
      );
      const o = await call('POST', '/v1/metrics', body, { 'content-type': 'application/json' });
      assert.ok(
        o.status === 200 || (o.status >= 400 && o.status < 500),
        `deep OTLP JSON: ${o.status} ${o.text.slice(0, 200)}`,
      );
      if (o.status >= 400) assertRefused(o, /./, 'deep OTLP JSON');
      assertRefused(
        await call('POST', '/api/sonde/v1/silences', body, { 'content-type': 'application/json' }),
        /./,
        'deep silence',
      );
    }
    const deepAttr = `${'{"kvlistValue":{"values":[{"key":"k","value":'.repeat(5000)}{"stringValue":"x"}${'}]}}'.repeat(5000)}`;
    const otlpDeep = `{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"hostile_otlp","gauge":{"dataPoints":[{"timeUnixNano":"${SEED_T0}000000","asDouble":1,"attributes":[{"key":"a","value":${deepAttr}}]}]}}]}]}]}`;
    assertRefused(
      await call('POST', '/v1/metrics', otlpDeep, { 'content-type': 'application/json' }),
      /nested too deeply/,
      'OTLP attribute nested 5,000 deep',
    );
    // Invalid UTF-8 in a label value: refused as Prometheus does (400 naming where), nothing stored.
    const text = Buffer.concat([
      Buffer.from('hostile_utf8{k="'),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
      Buffer.from(`"} 1 ${SEED_T0}\n`),
    ]);
    const a = await call('POST', '/api/v1/import/prometheus', text, { 'content-type': 'text/plain' });
    assert.equal(a.status, 400, `${a.status} ${a.text}`);
    assertRefused(a, /not valid UTF-8 at line 1 \(byte 16\)/, 'invalid UTF-8 label value');
    assert.deepEqual(await seriesNamed('hostile_utf8'), []);
  });

  it('refuses absurd query parameters as Prometheus does', async () => {
    const q = (p: Record<string, string>) => `/api/v1/query_range?${new URLSearchParams(p)}`;
    const cases: [string, RegExp][] = [
      [
        q({ query: 'up', start: '0', end: '1e9', step: '0.001' }),
        /exceeded maximum resolution of 11,000 points per timeseries/,
      ],
      [
        q({ query: 'up', start: '-9e15', end: '9e15', step: '1' }),
        /exceeded maximum resolution of 11,000 points/,
      ],
      [q({ query: 'up', start: '0', end: '100', step: '0' }), /zero or negative query resolution step/],
      [q({ query: 'up', start: '0', end: '100', step: '-5' }), /zero or negative query resolution step/],
      [q({ query: 'up', start: '0', end: '100', step: '1e400' }), /"step"/],
      [q({ query: 'up', start: '0', end: '100', step: `${'9'.repeat(400)}y` }), /invalid parameter "step"/],
      [q({ query: 'up', start: '0', end: '100', step: '1', timeout: '300y' }), /invalid parameter "timeout"/],
      [q({ query: 'up', start: '100', end: '0', step: '1' }), /end timestamp must not be before start/],
      [q({ query: 'up', start: 'yesterday', end: '0', step: '1' }), /invalid parameter "start"/],
      [q({ query: 'up', start: '0', end: 'NaN', step: '1' }), /invalid parameter "end"/],
      [
        q({ query: 'up', start: '0', end: '100', step: '1', timeout: 'forever' }),
        /invalid parameter "timeout"/,
      ],
      [`/api/v1/query?${new URLSearchParams({ query: 'up{a=~"(("}' })}`, /invalid parameter "query"/],
      [
        `/api/v1/query?${new URLSearchParams({ query: '\u{1F600}\u0000\uFFFF' })}`,
        /invalid parameter "query"/,
      ],
      [
        `/api/v1/query?${new URLSearchParams({ query: 'up', time: '9'.repeat(400) })}`,
        /invalid parameter "time"/,
      ],
      [`/api/v1/series?${new URLSearchParams({ 'match[]': '{' })}`, /match\[\]|parse/],
      [`/api/v1/series?${new URLSearchParams({ 'match[]': 'up', start: 'x' })}`, /invalid parameter "start"/],
      [`/api/v1/labels?${new URLSearchParams({ start: '1', end: 'soon' })}`, /invalid parameter "end"/],
      [`/api/v1/label/${'%ff'.repeat(3)}/values`, /not a valid url/],
      ['/api/v1/label/a-b/values', /invalid label name/],
      [`/api/sonde/v1/summary?${new URLSearchParams({ query: 'bad(' })}`, /./],
      [`/api/sonde/v1/forecast?${new URLSearchParams({ query: 'up', horizon: '1e400' })}`, /./],
    ];
    for (const [path, problem] of cases) assertRefused(await call('GET', path), problem, path.slice(0, 120));
    // Deep nesting, sent as form bodies (as a URL it would pass Node's header limit: 431).
    for (const query of [
      `${'('.repeat(10_000)}1${')'.repeat(10_000)}`,
      `${'sum('.repeat(3_000)}up${')'.repeat(3_000)}`,
      `${'-'.repeat(50_000)}1`,
      `${'{'.repeat(10_000)}`,
    ]) {
      const a = await call('POST', '/api/v1/query', new URLSearchParams({ query }).toString(), {
        'content-type': 'application/x-www-form-urlencoded',
      });
      if (a.status !== 200) assertRefused(a, /invalid parameter "query"/, query.slice(0, 20));
    }
    const longUrl = await call('GET', `/api/v1/query?query=${'('.repeat(20_000)}`);
    assert.ok(longUrl.status >= 400 && longUrl.status < 500, `over-long URL: ${longUrl.status}`);
    // A 1 MB query sent as a form body is refused or answered, never a crash.
    const long = await call('POST', '/api/v1/query', `query=${'up+or+'.repeat(170_000)}up`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    assert.ok(long.status < 500, `${long.status} ${long.text.slice(0, 200)}`);
  });

  it('a live stream reports an unparsable query in its own slot, beside a good one', async () => {
    // By design (a dashboard panel with a typo must not stop the others), not a 4xx.
    const ac = new AbortController();
    const res = await fetch(
      `${sonde.url}/api/sonde/v1/live?${new URLSearchParams([
        ['query', '(('],
        ['query', 'up'],
      ])}`,
      {
        signal: ac.signal,
      },
    );
    assert.equal(res.status, 200);
    let text = '';
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk);
        if (/"e":"[^"]*parse error/.test(text)) break;
      }
    } finally {
      ac.abort();
    }
    assert.match(text, /"e":"1:3: parse error: unclosed left parenthesis"/);
    const tooLong = await call(
      'GET',
      `/api/sonde/v1/live?${new URLSearchParams({ query: 'x'.repeat(9000) })}`,
    );
    assertRefused(tooLong, /at most 8192 characters/, 'live query too long');
  });

  it('answers a catastrophic regex in bounded time, and correctly', async () => {
    // On a backtracking engine '(a+)+$' takes 2^64 steps on the seeded "a…a!"
    // value; the server would hang. Each must answer, matching nothing.
    const matching = async (re: string): Promise<number> => {
      const q = `hostile_seed_push{k=~"${re}"}`;
      const a = await call(
        'GET',
        `/api/v1/query?${new URLSearchParams({ query: q, time: String(SEED_T0 / 1000) })}`,
      );
      assert.equal(a.status, 200, `${re}: ${a.text}`);
      const s = await call('GET', `/api/v1/series?${new URLSearchParams({ 'match[]': q })}`);
      assert.equal(s.status, 200, `${re}: ${s.text}`);
      const n = (a.json as unknown as { data: { result: unknown[] } }).data.result.length;
      assert.equal((s.json as unknown as { data: unknown[] }).data.length, n, re);
      return n;
    };
    for (const re of ['(a+)+$', '(a|a)*', '(a*)*b', '(a|aa)+$', '((a+)+)+c'])
      assert.equal(await matching(re), 0, re);
    assert.equal(await matching('(a+)+!'), 1, 'the long value itself still matches');
    const lr = await call(
      'GET',
      `/api/v1/query?${new URLSearchParams({ query: 'label_replace(hostile_seed_push, "x", "$1", "k", "(a+)+$")', time: String(SEED_T0 / 1000) })}`,
    );
    assert.equal(lr.status, 200, lr.text);
  });

  it('refuses hostile admin and alerting bodies', async () => {
    const cases: [string, string, string | Buffer, Record<string, string>][] = [
      [
        'POST',
        '/api/sonde/v1/silences',
        '{"matchers": "everything"}',
        { 'content-type': 'application/json' },
      ],
      ['POST', '/api/sonde/v1/silences', Buffer.from([0xff, 0xfe]), { 'content-type': 'application/json' }],
      ['POST', '/api/sonde/v1/storage/delete', '{"match": 5}', { 'content-type': 'application/json' }],
      [
        'POST',
        '/api/v1/admin/tsdb/delete_series',
        'match[]=%7B',
        { 'content-type': 'application/x-www-form-urlencoded' },
      ],
      ['PUT', '/api/sonde/v1/storage/retention', '{"raw": "-1d"}', { 'content-type': 'application/json' }],
      ['PUT', '/api/sonde/v1/storage/retention', '[[[[', { 'content-type': 'application/json' }],
    ];
    for (const [method, path, body, headers] of cases) {
      assertRefused(
        await call(method, path, body, headers),
        /./,
        `${method} ${path} ${String(body).slice(0, 40)}`,
      );
    }
  });

  it('stays up, with bounded memory and the data stored before unchanged', async (t) => {
    const health = await call('GET', '/-/healthy');
    assert.equal(health.status, 200);
    assert.equal(await seedSnapshot(), seeded);
    assert.doesNotMatch(
      sonde.output(),
      /"level":(50|60)|ingest request failed|request failed/,
      'no 5xx logged',
    );
    const rss = await rssKiB(sonde.child.pid as number);
    t.diagnostic(`RSS after every hostile request: ${Math.round(rss / 1024)} MiB`);
    assert.ok(rss < 1024 * 1024, `RSS ${rss} KiB after the abuse`);
  });
});
