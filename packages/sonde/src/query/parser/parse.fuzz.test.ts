// The PromQL parser against hostile queries: random strings, near-PromQL,
// nesting far past any real query, huge numbers and durations, unicode.
// It returns an expression or throws QueryError('bad_data') whose message
// places the problem ("1:col: parse error: ..."), never anything else.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { QueryError } from '../types.js';
import { parseExpr } from './parse.js';

function parses(query: string): boolean {
  try {
    parseExpr(query);
    return true;
  } catch (err) {
    assert.ok(
      err instanceof QueryError,
      `${query.slice(0, 60)}: ${(err as Error).name} ${(err as Error).message}`,
    );
    assert.equal(err.errorType, 'bad_data');
    assert.match(err.message, /^(\d+:\d+: )?parse error: .+|no expression found/, query.slice(0, 60));
    return false;
  }
}

describe('PromQL parser under hostile input', () => {
  it('arbitrary strings never throw anything but a placed parse error (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120, unit: 'binary' }), (q) => void parses(q)),
      { numRuns: 400 },
    );
  });

  it('near-PromQL never throws anything but a placed parse error (property)', () => {
    const token = fc.constantFrom(
      'up',
      'x',
      'sum',
      'rate',
      'by',
      'without',
      'on',
      'ignoring',
      'group_left',
      'bool',
      'offset',
      '@',
      'start()',
      'histogram_quantile',
      'label_replace',
      '(',
      ')',
      '{',
      '}',
      '[',
      ']',
      ',',
      '=',
      '!=',
      '=~',
      '!~',
      '"a"',
      "'(a+)+$'",
      '`x`',
      '5m',
      '1h30m',
      ':',
      '+',
      '-',
      '*',
      '/',
      '%',
      '^',
      '==',
      '>',
      'and',
      'or',
      'unless',
      '1e308',
      '1e999',
      '0x1F',
      'NaN',
      'Inf',
      '-Inf',
      '99999999999999999999y',
      ' ',
      '\n',
      '#',
      '\\',
      '"\\u00ff"',
      '\u{1F600}',
      '\u0000',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (parts) => void parses(parts.join(''))),
      {
        numRuns: 600,
      },
    );
  });

  it('nesting 10,000 deep is refused or parsed, never a stack overflow', () => {
    const n = 10_000;
    for (const [open, close] of [
      ['(', ')'],
      ['-', ''],
      ['abs(', ')'],
      ['sum(', ')'],
      ['1 + ', ''],
      ['(1 + ', ')'],
      ['x{a="', '"}'],
    ]) {
      parses(`${open.repeat(n)}1${close.repeat(n)}`);
    }
    assert.equal(parses('('.repeat(n)), false);
    assert.equal(parses('{'.repeat(n)), false);
    assert.equal(parses(`up${'[5m:1m]'.repeat(1000)}`), false);
  });

  it('huge numbers, durations and strings', () => {
    assert.equal(parses('9'.repeat(5000)), true);
    assert.equal(parses('1e99999'), true);
    assert.equal(parses(`up{a="${'x'.repeat(1_000_000)}"}`), true);
    assert.equal(parses(`up{a="${'\u{1F600}'.repeat(10_000)}"}`), true);
    parses('up{a="\uD800"}'); // a lone surrogate cannot come from UTF-8; refused or kept
    assert.equal(parses(`up{${Array.from({ length: 10_000 }, (_, i) => `l${i}="v"`).join(',')}}`), true);
    parses('up[99999999999999999999y]');
    parses('rate(up[1e999s])');
  });
});
