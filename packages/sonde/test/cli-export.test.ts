// `sonde import` then `sonde export`, as the real binary on a temporary data directory.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from './support/run-cli.js';

let dir = '';
const base = Math.floor(Date.now() / 1000) - 3600;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sonde-export-'));
  const lines = ['# TYPE http_requests_total counter'];
  for (let i = 0; i < 10; i++) {
    lines.push(`http_requests_total{route="/a",code="200"} ${i * 3} ${base + i * 15}`);
    lines.push(`http_requests_total{route="/b",code="500"} ${i} ${base + i * 15}`);
  }
  lines.push('# TYPE node_load1 gauge', `node_load1 0.5 ${base}`, '# EOF', '');
  await writeFile(join(dir, 'in.om'), lines.join('\n'));
  const r = await runCli([
    'import',
    '--data-dir',
    join(dir, 'data'),
    '--format',
    'openmetrics',
    join(dir, 'in.om'),
  ]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
});
after(async () => rm(dir, { recursive: true, force: true }));

describe('sonde export', () => {
  it('writes the selected series as CSV', async () => {
    const out = join(dir, 'out.csv');
    const r = await runCli([
      'export',
      '--data-dir',
      join(dir, 'data'),
      '--from',
      String(base - 1),
      '--to',
      'now',
      '--match',
      'http_requests_total{code="500"}',
      '--format',
      'csv',
      out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /exported 1 series, 10 samples/);
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    assert.equal(lines[0], 'timestamp,metric,value,code,route');
    assert.equal(lines[1], `${base * 1000},http_requests_total,0,500,/b`);
    assert.equal(lines.length, 11);
  });

  it('writes OpenMetrics that sonde import reads back into another store', async () => {
    const out = join(dir, 'out.om');
    const r = await runCli([
      'export',
      '--data-dir',
      join(dir, 'data'),
      '--from',
      String(base - 1),
      '--format',
      'openmetrics',
      out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /exported 3 series, 21 samples/);
    const again = await runCli(['import', '--data-dir', join(dir, 'copy'), '--format', 'openmetrics', out]);
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.match(again.stdout + again.stderr, /21 samples/);
  });

  it('rejects a bad selector or time as a usage error', async () => {
    const bad = await runCli([
      'export',
      '--data-dir',
      join(dir, 'data'),
      '--from',
      '-1h',
      '--match',
      'sum(x)',
      '-',
    ]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /is not a series selector/);
    const badTime = await runCli(['export', '--data-dir', join(dir, 'data'), '--from', 'yesterday', '-']);
    assert.equal(badTime.code, 2);
    assert.match(badTime.stderr, /cannot read "yesterday" as a time/);
  });
});
