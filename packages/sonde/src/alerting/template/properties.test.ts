// Property tests of the pieces that parse or print: Go number formatting,
// template string literals, and Alertmanager matchers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatMatchers, parseMatchers } from '../notify/matchers.js';
import { formatFloat, formatG, sprintf } from './gofmt.js';
import { RuleTemplate } from './index.js';

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });

describe('properties', () => {
  it('%v of a float64 reads back as the same number', () => {
    fc.assert(
      fc.property(
        finite,
        (x) => Object.is(Number(formatFloat(x)), x) || (x === 0 && Number(formatFloat(x)) === 0),
      ),
    );
  });

  it('%.Ng keeps N significant digits, within half a unit in the last place', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-200, max: 1e200, noNaN: true }),
        fc.integer({ min: 1, max: 15 }),
        (x, p) => {
          const y = Number(formatG(x, p));
          const ulp = 10 ** (Math.floor(Math.log10(x)) - p + 1);
          return Math.abs(y - x) <= ulp / 2 + Math.abs(x) * 1e-15;
        },
      ),
    );
  });

  it('%.Nf is within half a unit of its last place', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e12, max: 1e12, noNaN: true }),
        fc.integer({ min: 0, max: 8 }),
        (x, p) => {
          const s = sprintf(`%.${p}f`, [x]);
          const frac = s.includes('.') ? s.split('.')[1].length : 0;
          return frac === p && Math.abs(Number(s) - x) <= 10 ** -p / 2 + Math.abs(x) * 1e-15;
        },
      ),
    );
  });

  it('a template without actions is its own expansion, and a quoted string literal prints as itself', () => {
    const text = fc.string().filter((s) => !s.includes('{{'));
    fc.assert(fc.property(text, (s) => RuleTemplate.compile(s).expandSync({ labels: {}, value: 0 }) === s));
    fc.assert(
      fc.property(fc.string(), (s) => {
        const t = RuleTemplate.compile(`{{ ${JSON.stringify(s)} }}`);
        return t.expandSync({ labels: {}, value: 0 }) === s;
      }),
    );
    // found by the property: an escaped backslash before a quote or an `a` was taken for an escape
    const expand = (src: string) => RuleTemplate.compile(src).expandSync({ labels: {}, value: 0 });
    assert.equal(expand(`{{ "\\\\'" }}`), `\\'`);
    assert.equal(expand(`{{ "\\\\a\\\\v" }}`), `\\a\\v`);
    assert.equal(expand(`{{ "\\a\\v\\'" }}`), "\u0007\u000b'");
  });

  it('matchers print and parse back unchanged', () => {
    const matcher = fc.record({
      name: fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/),
      type: fc.constantFrom('=', '!=', '=~', '!~' as const),
      value: fc.string({ maxLength: 20 }),
    });
    fc.assert(
      fc.property(fc.array(matcher, { minLength: 1, maxLength: 5 }), (ms) => {
        assert.deepEqual(
          parseMatchers(formatMatchers(ms)),
          ms.map((m) => ({ ...m })),
        );
      }),
    );
  });
});
