import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseDuration } from './duration.js';
import { ConfigError, loadConfig } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'sonde-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadConfig precedence', () => {
  it('uses the embedded defaults when nothing is given', () => {
    const c = loadConfig({ env: {} });
    assert.equal(c.listen, '127.0.0.1:9977');
    assert.equal(c.data_dir, './data');
    assert.equal(c.log_level, 'info');
    assert.equal(c.collect.interval, '1s');
    assert.equal(c.storage.retention_raw, '15d');
    assert.equal(c.storage.block_range, '15m');
    assert.equal(c.query.max_concurrency, 20);
    assert.equal(c.query.max_queue_wait, '5s');
    assert.equal(c.ingest.max_decompressed_bytes, undefined, 'follows ingest.max_body_bytes');
  });

  it('file beats defaults, env beats file, flags beat env', () => {
    const path = file('p.yaml', 'listen: 127.0.0.1:1000\ndata_dir: /from/file\nlog_level: debug\n');
    const fileOnly = loadConfig({ env: { SONDE_CONFIG: path } });
    assert.deepEqual(
      [fileOnly.listen, fileOnly.data_dir, fileOnly.log_level],
      ['127.0.0.1:1000', '/from/file', 'debug'],
    );

    const env = { SONDE_CONFIG: path, SONDE_LISTEN: '127.0.0.1:2000', SONDE_DATA_DIR: '/from/env' };
    const withEnv = loadConfig({ env });
    assert.deepEqual(
      [withEnv.listen, withEnv.data_dir, withEnv.log_level],
      ['127.0.0.1:2000', '/from/env', 'debug'],
    );

    const withFlags = loadConfig({ env, flags: { listen: '127.0.0.1:3000' } });
    assert.deepEqual([withFlags.listen, withFlags.data_dir], ['127.0.0.1:3000', '/from/env']);
  });

  it('a --config flag beats SONDE_CONFIG', () => {
    const a = file('a.yaml', 'data_dir: /a\n');
    const b = file('b.yaml', 'data_dir: /b\n');
    assert.equal(loadConfig({ env: { SONDE_CONFIG: a }, flags: { config: b } }).data_dir, '/b');
  });

  it('keeps nested file settings it was not told to override', () => {
    const path = file(
      'n.yaml',
      'collect:\n  interval: 5s\n  disabled: [pressure]\nstorage:\n  retention_raw: 7d\n',
    );
    const c = loadConfig({ env: {}, flags: { config: path, listen: '127.0.0.1:1' } });
    assert.equal(c.collect.interval, '5s');
    assert.deepEqual(c.collect.disabled, ['pressure']);
    assert.equal(c.collect.timeout, '800ms');
    assert.equal(c.storage.retention_raw, '7d');
    assert.equal(c.storage.retention_1m, '90d');
  });
});

describe('loadConfig errors name the key, the value and what is allowed', () => {
  function fails(options: Parameters<typeof loadConfig>[0], ...fragments: string[]): void {
    assert.throws(
      () => loadConfig(options),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
        for (const f of fragments) assert.ok(err.message.includes(f), `"${err.message}" lacks "${f}"`);
        return true;
      },
    );
  }

  it('a block range that does not divide the 2h compaction window', () =>
    fails(
      { env: { SONDE_CONFIG: file('br.yaml', 'storage:\n  block_range: 7m\n') } },
      'storage.block_range',
      'divide 2h',
    ));

  it('limits that must be positive', () =>
    fails(
      { env: { SONDE_CONFIG: file('qc.yaml', 'query:\n  max_concurrency: 0\n') } },
      'query.max_concurrency',
    ));

  it('a listen address without a port', () =>
    fails({ env: { SONDE_LISTEN: 'localhost' } }, 'listen', '"localhost"', 'HOST:PORT'));
  it('a port out of range', () =>
    fails({ env: {}, flags: { listen: '127.0.0.1:70000' } }, 'listen', '70000', '65535'));
  it('an unknown log level', () =>
    fails({ env: { SONDE_LOG_LEVEL: 'loud' } }, 'log_level', '"loud"', 'debug', 'info'));
  it('a bad duration in the file', () => {
    const path = file('d.yaml', 'collect:\n  interval: fast\n');
    fails({ env: {}, flags: { config: path } }, 'collect.interval (line 2)', '"fast"', 'duration', path);
  });
  it('a wrongly typed value', () => {
    const path = file('t.yaml', 'collect:\n  enabled: cpu\n');
    fails({ env: {}, flags: { config: path } }, 'collect.enabled', '"cpu"', 'array');
  });
  it('an unknown setting', () => {
    const path = file('u.yaml', 'listne: 127.0.0.1:1\n');
    fails({ env: {}, flags: { config: path } }, 'unknown setting', 'listne (line 1)');
  });
  it('a missing file', () =>
    fails({ env: {}, flags: { config: join(dir, 'nope.yaml') } }, 'cannot read config file', 'nope.yaml'));
  it('broken YAML', () => {
    const path = file('b.yaml', 'listen: [unclosed\n');
    fails({ env: {}, flags: { config: path } }, 'not valid YAML', path);
  });
  it('a file that is not a mapping', () => {
    const path = file('l.yaml', '- a\n- b\n');
    fails({ env: {}, flags: { config: path } }, 'mapping');
  });
});

describe('parseDuration', () => {
  it('adds up units', () => {
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('90d'), 90 * 86_400_000);
  });
  it('rejects junk with the offending part', () => {
    assert.throws(() => parseDuration('5x'), /invalid duration "5x"/);
    assert.throws(() => parseDuration(''), /empty/);
  });
});
