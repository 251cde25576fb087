// Runs every PromQL test script in testdata/ (see script.ts for the format).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { expandValues, parseScript, runScript } from './script.js';

const dir = fileURLToPath(new URL('./testdata/', import.meta.url));

describe('PromQL test scripts', () => {
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.promql'))
    .sort()) {
    it(file, async () => {
      const failures = await runScript(readFileSync(join(dir, file), 'utf8'), file);
      assert.deepEqual(failures, []);
    });
  }

  it('reads the script language itself', () => {
    assert.deepEqual(expandValues(['1+2x3', '_x1', '5-1x1', 'stale', 'NaN'], 1).slice(0, 9), [
      1,
      3,
      5,
      7,
      null,
      null,
      5,
      4,
      'stale',
    ]);
    assert.throws(() => parseScript('frobnicate'), /cannot read/);
  });

  it('catches a wrong expectation', async () => {
    const failures = await runScript('load 1m\n  x 1 2 3\neval instant at 2m x\n  x 4\n');
    assert.equal(failures.length, 1);
    assert.match(failures[0], /expected 4, got 3/);
  });
});
