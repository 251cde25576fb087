// Rule files from anywhere: arbitrary text, near-YAML rule groups, alias
// bombs and self-referencing aliases. parseRuleText never throws; whatever
// it cannot use comes back as a problem with a line and a message.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseRuleText } from './file.js';

function parse(text: string): void {
  const r = parseRuleText(text, 'rules.yml');
  for (const p of r.problems) {
    assert.equal(p.file, 'rules.yml');
    assert.ok(p.message.length > 0, 'a problem says what is wrong');
    assert.ok(Number.isInteger(p.line) && p.line >= 0);
  }
  if (r.problems.length === 0) for (const g of r.groups) assert.ok(g.name.length > 0);
}

function aliasBomb(depth: number): string {
  let text = 'x0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n';
  for (let i = 1; i <= depth; i++)
    text += `x${i}: &l${i} [${Array(9)
      .fill(`*l${i - 1}`)
      .join(', ')}]\n`;
  return text;
}

describe('rule files under hostile input', () => {
  it('alias bombs and self-referencing aliases become problems, not expansions', () => {
    const rule = (labels: string) =>
      `groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        labels: ${labels}\n`;
    const cases = [
      `${aliasBomb(9)}${rule('*l9')}`,
      `groups: &g\n  - name: g\n    rules: *g\n`,
      `groups:\n  - &r {name: g, rules: [*r]}\n`,
      `groups:\n  - name: g\n    rules:\n      - &x {alert: A, expr: up, labels: *x}\n`,
    ];
    for (const text of cases) {
      const r = parseRuleText(text, 'rules.yml');
      assert.ok(r.problems.length > 0, text);
      parse(text);
    }
  });

  it('arbitrary text never throws (property)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300, unit: 'binary' }), parse), { numRuns: 300 });
  });

  it('near-YAML rule groups never throw (property)', () => {
    const token = fc.constantFrom(
      'groups:',
      '- name: ',
      'g',
      'rules:',
      '- alert: ',
      '- record: ',
      'expr: ',
      'up',
      'rate(x[5m])',
      '(((',
      'for: ',
      '5m',
      '1e999',
      '-1s',
      'labels:',
      'annotations:',
      'summary: ',
      '{{ $value }}',
      'interval: ',
      'limit: ',
      '-3',
      'query_offset: ',
      'keep_firing_for: ',
      '\n',
      '  ',
      '    ',
      '&a ',
      '*a',
      '[',
      ']',
      '{',
      '}',
      ', ',
      '"',
      "'",
      '|\n',
      '? ',
      '---\n',
      '!!binary ',
      'null',
      '~',
      '\t',
      '\u0000',
      '\u{1F600}',
      '<<: *a',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 80 }), (parts) => parse(parts.join(''))),
      {
        numRuns: 300,
      },
    );
  });

  it('deeply nested values and expressions are problems, not stack overflows', () => {
    parse(`groups: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    parse(
      `groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: ${'('.repeat(10000)}1${')'.repeat(10000)}\n`,
    );
    parse(
      `groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        labels: ${'{a: '.repeat(3000)}1${'}'.repeat(3000)}\n`,
    );
  });
});
