// `sonde check rules` as a user runs it: the real command line on real files.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../support/run-cli.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/alerting/${name}`, import.meta.url));

describe('sonde check rules', () => {
  it('passes a good file with exit 0 and fails a bad one with exit 1 and line numbers', async () => {
    const good = await runCli(['check', 'rules', fixture('host-rules.yml')]);
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, /SUCCESS: 8 rules found/);
    const bad = await runCli(['check', 'rules', fixture('host-rules.yml'), fixture('bad-rules.yml')]);
    assert.equal(bad.code, 1);
    assert.match(
      bad.stdout,
      /bad-rules\.yml:5:\d+: group "broken", rule 1, "MissingParen": could not parse expression/,
    );
    assert.match(bad.stdout, /bad-rules\.yml:11:\d+: .*BadTemplate/);
  });

  it('names a missing file', async () => {
    const r = await runCli(['check', 'rules', '/nonexistent/rules.yml']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /ENOENT|no such file/);
  });
});
