// The command line's shared habits: help, version, exit codes, completion.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from './support/run-cli.js';

describe('sonde command line', () => {
  it('prints its version', async () => {
    const r = await runCli(['version', '--json']);
    assert.equal(r.code, 0);
    const info = JSON.parse(r.stdout) as { version: string; node: string };
    assert.match(info.version, /^\d+\.\d+\.\d+/);
    assert.equal(info.node, process.versions.node);
  });

  it('lists its commands in help', async () => {
    const r = await runCli(['help']);
    assert.equal(r.code, 0);
    for (const cmd of ['start', 'profile', 'bench', 'completion', 'version'])
      assert.match(r.stdout, new RegExp(`\\n  ${cmd}\\b`));
  });

  it('answers an unknown command with exit code 2 and a hint', async () => {
    const r = await runCli(['frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
  });

  it('completes commands and options in bash', async () => {
    const r = await runCli(['completion', 'bash']);
    assert.equal(r.code, 0);
    const dir = mkdtempSync(join(tmpdir(), 'sonde-completion-'));
    const script = join(dir, 'sonde.bash');
    writeFileSync(script, r.stdout);
    const complete = (words: string[]) =>
      spawnSync(
        'bash',
        [
          '-c',
          `source ${script}; COMP_WORDS=(${words.join(' ')}); COMP_CWORD=${words.length - 1}; _sonde; echo "\${COMPREPLY[@]}"`,
        ],
        { encoding: 'utf8' },
      ).stdout.trim();
    try {
      assert.equal(complete(['sonde', 'pro']), 'profile');
      assert.equal(complete(['sonde', 'bench', '--war']), '--warmup');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects an unknown shell', async () => {
    const r = await runCli(['completion', 'fish']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bash or zsh/);
  });
});

describe('sonde check config', () => {
  it('names each problem with its line, exit 1; a good file passes with exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sonde-check-config-'));
    try {
      const bad = join(dir, 'bad.yaml');
      writeFileSync(bad, 'listen: 127.0.0.1:9977\ncollect:\n  interval: fast\nlisnet: x\n');
      const r = await runCli(['check', 'config', bad]);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /collect\.interval \(line 3\): "fast" is not allowed/);
      assert.match(r.stdout, /unknown setting lisnet \(line 4\)/);
      const good = join(dir, 'good.yaml');
      writeFileSync(
        good,
        'listen: 127.0.0.1:9977\nremote_write:\n  - url: http://127.0.0.1:8428/api/v1/write\n',
      );
      const ok = await runCli(['check', 'config', good]);
      assert.equal(ok.code, 0, ok.stdout);
      assert.match(ok.stdout, /SUCCESS: .*1 remote_write target/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
