import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import {
  Counter,
  collectDefaultMetrics,
  Histogram,
  instrument,
  negotiate,
  Registry,
  type MetricsServer,
  Summary,
  serve,
} from './index.js';

const PROMTOOL = '/usr/bin/promtool';

describe('exposition served over HTTP', () => {
  const reg = new Registry();
  let srv: MetricsServer;

  before(async () => {
    collectDefaultMetrics({ register: reg });
    const h = new Histogram({
      name: 'job_duration_seconds',
      help: 'Job time.',
      labelNames: ['job'],
      registers: [reg],
    });
    h.observe({ job: 'a "quoted" \\ value\nwith newline' }, 0.3);
    new Counter({ name: 'jobs_total', help: 'Jobs\nmultiline \\ help.', registers: [reg] }).inc();
    new Summary({ name: 'payload_bytes', help: 'Sizes.', registers: [reg] }).observe(512);
    // HTTP middleware metrics too
    instrument(() => {}, { registry: reg });
    srv = serve({ registry: reg, port: 0, host: '127.0.0.1' });
    await srv.listening;
  });
  after(() => srv.close());

  it('negotiates text 0.0.4 and OpenMetrics on Accept', async () => {
    const text = await fetch(srv.url());
    assert.equal(text.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    assert.match(await text.text(), /^# HELP /);
    const om = await fetch(srv.url(), {
      headers: {
        accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
      },
    });
    assert.equal(
      om.headers.get('content-type'),
      'application/openmetrics-text; version=1.0.0; charset=utf-8',
    );
    const body = await om.text();
    assert.ok(body.endsWith('# EOF\n'));
    assert.match(body, /^# TYPE jobs counter$/m);
    assert.match(body, /^jobs_total 1$/m);
    assert.equal((await fetch(srv.url().replace('/metrics', '/other'))).status, 404);
    assert.equal((await fetch(srv.url(), { method: 'POST' })).status, 405);
  });

  it('negotiate() follows q values', () => {
    assert.equal(negotiate(undefined), 'text');
    assert.equal(negotiate('text/plain'), 'text');
    assert.equal(negotiate('application/openmetrics-text'), 'openmetrics');
    assert.equal(negotiate('application/openmetrics-text;version=1.0.0;q=0.2,text/plain;q=0.9'), 'text');
    assert.equal(negotiate('application/openmetrics-text;version=2.0.0'), 'text');
  });

  it('passes promtool check metrics with no problems', async () => {
    const body = await (await fetch(srv.url())).text();
    const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: body, encoding: 'utf8' });
    assert.equal(r.status, 0, `promtool: ${r.stdout}${r.stderr}`);
    assert.equal(r.stdout + r.stderr, '');
  });

  it('reports a port already in use as a rejected promise and a warning, not a crash', async () => {
    const port = Number(new URL(srv.url()).port);
    const second = serve({ registry: reg, port, host: '127.0.0.1' });
    await assert.rejects(second.listening, /EADDRINUSE/);
    await second.close();
  });
});
