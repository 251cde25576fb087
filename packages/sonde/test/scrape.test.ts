// Scraping local node:http targets: formats, label merging, timestamps,
// limits, metric relabeling, report series and stale markers.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { scrapeConfigSchema } from '../src/config/schema.js';
import { openStorage } from '../src/storage/db.js';
import { MemoryStorage } from '../src/storage/memory.js';
import { byName, loopFor, read, startTarget, type Target, text } from './scrape-support.js';
import { selfSigned } from './support/tls.js';

const targets: Target[] = [];
after(async () => {
  for (const t of targets) await t.close();
});

async function target(body: string, type?: string): Promise<Target> {
  const t = await startTarget(text(body, type));
  targets.push(t);
  return t;
}

const PROM = `# HELP http_requests_total Requests.
# TYPE http_requests_total counter
http_requests_total{code="200",path="/a"} 10
http_requests_total{code="500",path="/a"} 2
# TYPE temp gauge
temp 21.5
`;

function clock(start: number) {
  const c = { t: start, now: () => c.t };
  return c;
}

describe('scrape: a local target', () => {
  it('scrapes the text format with target labels and the five report series', async () => {
    const t = await target(PROM);
    const storage = new MemoryStorage();
    const c = clock(1_000_000);
    const { loop, client } = loopFor(
      storage,
      { static_configs: [{ targets: [t.address], labels: { env: 'dev' } }] },
      c.now,
    );
    await loop.scrapeOnce();
    c.t += 15_000;
    await loop.scrapeOnce();
    client.close();

    const base = { job: 'test', instance: t.address, env: 'dev' };
    assert.deepEqual(read(storage, byName('http_requests_total')), [
      {
        labels: { __name__: 'http_requests_total', code: '200', path: '/a', ...base },
        points: [
          { t: 1_000_000, v: 10 },
          { t: 1_015_000, v: 10 },
        ],
      },
      {
        labels: { __name__: 'http_requests_total', code: '500', path: '/a', ...base },
        points: [
          { t: 1_000_000, v: 2 },
          { t: 1_015_000, v: 2 },
        ],
      },
    ]);
    const one = (name: string) => read(storage, byName(name))[0];
    assert.deepEqual(one('up'), {
      labels: { __name__: 'up', ...base },
      points: [
        { t: 1_000_000, v: 1 },
        { t: 1_015_000, v: 1 },
      ],
    });
    assert.deepEqual(
      one('scrape_samples_scraped').points.map((p) => p.v),
      [3, 3],
    );
    assert.deepEqual(
      one('scrape_samples_post_metric_relabeling').points.map((p) => p.v),
      [3, 3],
    );
    assert.deepEqual(
      one('scrape_series_added').points.map((p) => p.v),
      [3, 0],
    );
    const d = one('scrape_duration_seconds').points[0].v;
    assert.ok(typeof d === 'number' && d > 0 && d < 10);
    assert.equal(loop.health, 'up');
    assert.deepEqual(storage.metadata('http_requests_total').get('http_requests_total'), {
      type: 'counter',
      help: 'Requests.',
      unit: '',
    });
    assert.match(String(t.lastHeaders.accept), /^application\/openmetrics-text;version=1\.0\.0/);
    assert.equal(t.lastHeaders['x-prometheus-scrape-timeout-seconds'], '10');
  });

  it('negotiates OpenMetrics; honor_timestamps uses the exposed timestamp, or the scrape time when off', async () => {
    const body = `# TYPE jobs counter\njobs_total 5 1700000000.5\n# TYPE g gauge\ng 1\n# EOF\n`;
    const t = await target(body, 'application/openmetrics-text; version=1.0.0; charset=utf-8');
    for (const honor of [true, false]) {
      const storage = new MemoryStorage();
      const { loop, client } = loopFor(
        storage,
        { static_configs: [{ targets: [t.address] }], honor_timestamps: honor },
        () => 1_800_000_000_000,
      );
      await loop.scrapeOnce();
      client.close();
      assert.equal(loop.lastError, '');
      assert.deepEqual(read(storage, byName('jobs_total'))[0].points, [
        { t: honor ? 1_700_000_000_500 : 1_800_000_000_000, v: 5 },
      ]);
      assert.deepEqual(read(storage, byName('g'))[0].points, [{ t: 1_800_000_000_000, v: 1 }]);
    }
  });

  it('honor_labels: false keeps the target labels and renames conflicts to exported_*; true keeps the scraped ones', async () => {
    const t = await target('m{job="exposed",instance="i1",exported_job="x"} 1\n');
    const want = {
      false: {
        __name__: 'm',
        job: 'test',
        instance: t.address,
        exported_job: 'x',
        exported_exported_job: 'exposed',
        exported_instance: 'i1',
      },
      true: { __name__: 'm', job: 'exposed', instance: 'i1', exported_job: 'x' },
    };
    for (const honor of [false, true]) {
      const storage = new MemoryStorage();
      const { loop, client } = loopFor(
        storage,
        { static_configs: [{ targets: [t.address] }], honor_labels: honor },
        () => 1000,
      );
      await loop.scrapeOnce();
      client.close();
      assert.deepEqual(read(storage, byName('m'))[0].labels, want[String(honor) as 'true' | 'false']);
      // Report series always carry the target's own labels.
      assert.deepEqual(read(storage, byName('up'))[0].labels, {
        __name__: 'up',
        job: 'test',
        instance: t.address,
      });
    }
  });

  it('metric_relabel_configs drop and rewrite samples; post_metric_relabeling counts what is left', async () => {
    const t = await target(PROM);
    const storage = new MemoryStorage();
    const { loop, client } = loopFor(
      storage,
      {
        static_configs: [{ targets: [t.address] }],
        metric_relabel_configs: [
          { source_labels: ['__name__', 'code'], regex: 'http_requests_total;5..', action: 'drop' },
          { source_labels: ['path'], target_label: 'route', regex: '/(.*)' },
          { regex: 'path', action: 'labeldrop' },
        ],
      },
      () => 5000,
    );
    await loop.scrapeOnce();
    client.close();
    assert.deepEqual(
      read(storage, byName('http_requests_total')).map((s) => s.labels),
      [{ __name__: 'http_requests_total', code: '200', route: 'a', job: 'test', instance: t.address }],
    );
    assert.deepEqual(read(storage, byName('scrape_samples_scraped'))[0].points[0].v, 3);
    assert.deepEqual(read(storage, byName('scrape_samples_post_metric_relabeling'))[0].points[0].v, 2);
  });

  it('sample_limit: exceeding it fails the scrape, stores none of its samples and marks the last ones stale', async () => {
    const t = await target('a 1\n');
    const storage = new MemoryStorage();
    const c = clock(10_000);
    const { loop, client } = loopFor(
      storage,
      { static_configs: [{ targets: [t.address] }], sample_limit: 2 },
      c.now,
    );
    await loop.scrapeOnce();
    t.handler = text('a 2\nb 1\nc 1\n');
    c.t = 20_000;
    await loop.scrapeOnce();
    client.close();
    assert.equal(loop.health, 'down');
    assert.equal(loop.lastError, 'sample limit exceeded (limit 2)');
    assert.deepEqual(read(storage, byName('a'))[0].points, [
      { t: 10_000, v: 1 },
      { t: 20_000, v: 'stale' },
    ]);
    assert.deepEqual(read(storage, byName('b')), []);
    assert.deepEqual(read(storage, byName('up'))[0].points, [
      { t: 10_000, v: 1 },
      { t: 20_000, v: 0 },
    ]);
    assert.deepEqual(read(storage, byName('scrape_samples_scraped'))[0].points[1].v, 3);
    assert.deepEqual(read(storage, byName('scrape_samples_post_metric_relabeling'))[0].points[1].v, 2);
  });

  it('writes stale markers when a series vanishes and when the target fails; explicit-timestamp series are not tracked', async () => {
    const t = await target('a 1\nb 1\nts 1 500\n');
    const storage = new MemoryStorage();
    const c = clock(1000);
    const { loop, client } = loopFor(storage, { static_configs: [{ targets: [t.address] }] }, c.now);
    await loop.scrapeOnce();
    t.handler = text('a 2\n');
    c.t = 2000;
    await loop.scrapeOnce();
    t.handler = (_req, res) => {
      res.writeHead(503);
      res.end('unavailable');
    };
    c.t = 3000;
    await loop.scrapeOnce();
    t.handler = text('a 3\nb 3\n');
    c.t = 4000;
    await loop.scrapeOnce();
    client.close();
    assert.deepEqual(read(storage, byName('a'))[0].points, [
      { t: 1000, v: 1 },
      { t: 2000, v: 2 },
      { t: 3000, v: 'stale' },
      { t: 4000, v: 3 },
    ]);
    assert.deepEqual(read(storage, byName('b'))[0].points, [
      { t: 1000, v: 1 },
      { t: 2000, v: 'stale' },
      { t: 4000, v: 3 },
    ]);
    assert.deepEqual(read(storage, byName('ts'))[0].points, [{ t: 500, v: 1 }]);
    assert.deepEqual(
      read(storage, byName('up'))[0].points.map((p) => p.v),
      [1, 1, 0, 1],
    );
    assert.deepEqual(
      read(storage, byName('scrape_series_added'))[0].points.map((p) => p.v),
      [3, 0, 0, 1],
    );
    assert.equal(loop.lastError, '');
  });

  it('into the embedded store: one series each across OpenMetrics and text scrapes, and a deleted series comes back', async () => {
    const om = (v: number) => `# TYPE a gauge\na{k="x"} ${v}\nb ${v}\n# EOF\n`;
    const t = await target(om(1), 'application/openmetrics-text; version=1.0.0; charset=utf-8');
    const dir = await mkdtemp(join(tmpdir(), 'sonde-scrape-'));
    const storage = await openStorage({ dir, maintenanceIntervalMs: 0 });
    try {
      const c = clock(Date.now() - 60_000);
      const t0 = c.t;
      const { loop, client } = loopFor(storage, { static_configs: [{ targets: [t.address] }] }, c.now);
      await loop.scrapeOnce();
      t.handler = text(om(2), 'application/openmetrics-text; version=1.0.0; charset=utf-8');
      c.t += 1000;
      await loop.scrapeOnce();
      t.handler = text('a{k="x"} 3\n');
      c.t += 1000;
      await loop.scrapeOnce();
      assert.equal(await storage.deleteSeries(byName('a')), 1);
      t.handler = text('a{k="x"} 4\nb 4\n');
      c.t += 1000;
      await loop.scrapeOnce();
      client.close();
      assert.equal(loop.lastError, '');
      assert.deepEqual(read(storage, byName('a')), [
        {
          labels: { __name__: 'a', instance: t.address, job: 'test', k: 'x' },
          points: [{ t: t0 + 3000, v: 4 }],
        },
      ]);
      assert.deepEqual(read(storage, byName('b'))[0].points, [
        { t: t0, v: 1 },
        { t: t0 + 1000, v: 2 },
        { t: t0 + 2000, v: 'stale' },
        { t: t0 + 3000, v: 4 },
      ]);
      assert.deepEqual(
        read(storage, byName('scrape_series_added'))[0].points.map((p) => p.v),
        [2, 0, 0, 1],
      );
    } finally {
      await storage.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports HTTP errors, parse errors and timeouts as up=0 with the reason', async () => {
    const cases: [Target['handler'], RegExp][] = [
      [
        (_req, res) => {
          res.writeHead(404, 'Not Found');
          res.end();
        },
        /^server returned HTTP status 404 Not Found$/,
      ],
      [text('ok 1\nbad{ 1\n'), /^line 2: /],
      [() => {}, /deadline exceeded/],
    ];
    for (const [handler, error] of cases) {
      const t = await target('');
      t.handler = handler;
      const storage = new MemoryStorage();
      const { loop, client } = loopFor(
        storage,
        { static_configs: [{ targets: [t.address] }], scrape_interval: '1s', scrape_timeout: '200ms' },
        () => 1000,
      );
      await loop.scrapeOnce();
      client.close();
      assert.match(loop.lastError, error);
      assert.deepEqual(read(storage, byName('up'))[0].points, [{ t: 1000, v: 0 }]);
      assert.deepEqual(read(storage, byName('ok')), []);
    }
  });

  it('accepts gzip bodies and sends credentials, params and the metrics path', async () => {
    const t = await target('');
    let seen = { url: '', auth: '' };
    t.handler = (req, res) => {
      seen = { url: req.url ?? '', auth: req.headers.authorization ?? '' };
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4', 'Content-Encoding': 'gzip' });
      res.end(gzipSync('z 7\n'));
    };
    const storage = new MemoryStorage();
    const { loop, client } = loopFor(
      storage,
      {
        static_configs: [{ targets: [t.address] }],
        metrics_path: '/federate',
        params: { 'match[]': ['{job="x"}'], module: ['m1'] },
        basic_auth: { username: 'u', password: 'p:w' },
        relabel_configs: [{ target_label: '__param_module', replacement: 'm2' }],
      },
      () => 1000,
    );
    await loop.scrapeOnce();
    client.close();
    assert.equal(loop.lastError, '');
    assert.equal(t.lastHeaders['accept-encoding'], 'gzip');
    const u = new URL(seen.url, 'http://x');
    assert.equal(u.pathname, '/federate');
    assert.deepEqual(u.searchParams.getAll('match[]'), ['{job="x"}']);
    assert.deepEqual(u.searchParams.getAll('module'), ['m2']);
    assert.equal(seen.auth, `Basic ${Buffer.from('u:p:w').toString('base64')}`);
    assert.deepEqual(read(storage, byName('z'))[0].points, [{ t: 1000, v: 7 }]);
  });
});

describe('scrape: decompression bombs', () => {
  it('body_size_limit bounds the answer after gzip is undone: the scrape fails with the limit, up=0', async () => {
    const t = await target('');
    // 20 KiB sent, 20 MiB inflated.
    const bomb = gzipSync(Buffer.concat([Buffer.from('z 7\n'), Buffer.alloc(20 * 1024 * 1024, 0x20)]));
    t.handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4', 'Content-Encoding': 'gzip' });
      res.end(bomb);
    };
    const storage = new MemoryStorage();
    const { loop, client } = loopFor(
      storage,
      { static_configs: [{ targets: [t.address] }], body_size_limit: '1MB' },
      () => 1000,
    );
    await loop.scrapeOnce();
    client.close();
    assert.equal(loop.lastError, `body larger than ${1024 * 1024} bytes`);
    assert.deepEqual(read(storage, byName('z')), []);
    assert.deepEqual(read(storage, byName('up'))[0].points, [{ t: 1000, v: 0 }]);
  });

  it('body_size_limit takes Prometheus sizes or bytes and refuses anything else', () => {
    const parse = (v: unknown) =>
      scrapeConfigSchema.parse({ job_name: 'j', body_size_limit: v }).body_size_limit;
    assert.equal(parse('10MB'), 10 * 1024 * 1024);
    assert.equal(parse('512KB'), 512 * 1024);
    assert.equal(parse(4096), 4096);
    assert.equal(scrapeConfigSchema.parse({ job_name: 'j' }).body_size_limit, 0);
    assert.throws(() => parse('10 MB'), /size such as/);
  });
});

describe('scrape: TLS and authorization', () => {
  it('verifies the server with ca_file, fails without it, and skips verification when asked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sonde-scrape-tls-'));
    try {
      const cert = selfSigned(dir, 't');
      let auth = '';
      const server = createHttpsServer({ key: cert.key, cert: cert.cert }, (req, res) => {
        auth = req.headers.authorization ?? '';
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('secure 1\n');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const addr = `127.0.0.1:${(server.address() as { port: number }).port}`;
      const scrape = async (tls: Record<string, unknown> | undefined) => {
        const storage = new MemoryStorage();
        const { loop, client } = loopFor(
          storage,
          {
            scheme: 'https',
            static_configs: [{ targets: [addr] }],
            authorization: { credentials: 'tok' },
            ...(tls ? { tls_config: tls } : {}),
          },
          () => 1000,
        );
        await loop.scrapeOnce();
        client.close();
        return { error: loop.lastError, values: read(storage, byName('secure')).map((s) => s.points[0].v) };
      };
      assert.deepEqual(await scrape({ ca_file: cert.certFile }), { error: '', values: [1] });
      assert.equal(auth, 'Bearer tok');
      const untrusted = await scrape(undefined);
      assert.match(untrusted.error, /self.signed|certificate/i);
      assert.deepEqual(untrusted.values, []);
      assert.deepEqual(await scrape({ insecure_skip_verify: true }), { error: '', values: [1] });
      assert.throws(
        () =>
          loopFor(
            new MemoryStorage(),
            {
              scheme: 'https',
              static_configs: [{ targets: [addr] }],
              tls_config: { ca_file: join(dir, 'nope.crt') },
            },
            () => 0,
          ),
        /tls_config.ca_file ".*nope.crt" cannot be read/,
      );
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
