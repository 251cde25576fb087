// Whatever a config file holds — arbitrary text, near-YAML, alias bombs —
// loadConfig answers with a config or a ConfigError naming the problem,
// never another exception and never an exponential expansion.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { ConfigError, loadConfig } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'sonde-config-fuzz-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const path = join(dir, 'sonde.yml');

function load(text: string): void {
  writeFileSync(path, text);
  try {
    loadConfig({ env: {}, flags: { config: path } });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `${(err as Error).name}: ${(err as Error).message}`);
    assert.ok(err.message.includes(path), err.message);
  }
}

/** "Billion laughs": each anchor repeats the one before nine times; 9^depth strings when expanded. */
function aliasBomb(depth: number): string {
  let text = 'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n';
  for (let i = 1; i <= depth; i++)
    text += `l${i}: &l${i} [${Array(9)
      .fill(`*l${i - 1}`)
      .join(', ')}]\n`;
  return text;
}

describe('loadConfig under hostile files', () => {
  it('refuses a billion-laughs alias bomb, wherever it points, naming the problem', () => {
    for (const text of [aliasBomb(9), `${aliasBomb(9)}listen: *l9\n`, `x: &x [*x]\nlisten: *x\n`]) {
      writeFileSync(path, text);
      assert.throws(
        () => loadConfig({ env: {}, flags: { config: path } }),
        (err: Error) => err instanceof ConfigError && /alias|unknown setting|listen/.test(err.message),
      );
    }
  });

  it('arbitrary text never throws anything but ConfigError (property)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200, unit: 'binary' }), load), { numRuns: 80 });
  });

  it('near-YAML made of settings, anchors, aliases and flow syntax never throws anything but ConfigError (property)', () => {
    const token = fc.constantFrom(
      'listen: ',
      'data_dir: ',
      'ingest:',
      'limits:',
      'storage:',
      'retention_raw: ',
      'max_body_bytes: ',
      'rule_files:',
      'query:',
      'timeout: ',
      '  ',
      '\n',
      '- ',
      '&a ',
      '*a',
      '&b ',
      '*b',
      '[',
      ']',
      '{',
      '}',
      ', ',
      '"',
      "'",
      '!!str ',
      '!!binary ',
      '? ',
      '---\n',
      '...\n',
      '#',
      '1e999',
      '-1',
      '5m',
      'null',
      '~',
      '127.0.0.1:0',
      '<<: *a',
      '%YAML 1.2\n',
      '\t',
      '|\n',
      '>\n',
      '\u0000',
      '\uFEFF',
      '\u{1F600}',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 60 }), (parts) => load(parts.join(''))),
      {
        numRuns: 250,
      },
    );
  });

  it('deep nesting is refused or read, never a stack overflow', () => {
    for (const text of [
      `a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
      `a: ${'{b: '.repeat(3000)}1${'}'.repeat(3000)}\n`,
    ]) {
      load(text);
    }
  });
});
