// Query parameters as hostile clients send them: any string as a timestamp or
// a duration gives a finite number of milliseconds or a ParamError quoting
// the input; form bodies of any shape parse without throwing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ParamError, mergeParams, parseDurationParamMs, parseForm, parseTimeMs } from './params.js';

function check(parse: (s: string) => number, text: string): void {
  try {
    const ms = parse(text);
    assert.ok(Number.isFinite(ms), `${JSON.stringify(text)} → ${ms}`);
  } catch (err) {
    assert.ok(err instanceof ParamError, `${(err as Error).name}: ${(err as Error).message}`);
    assert.ok(err.message.includes(JSON.stringify(text)), err.message);
  }
}

const nearTime = fc
  .array(
    fc.constantFrom(
      ...'0123456789'.split(''),
      '.',
      'e',
      'E',
      '+',
      '-',
      'now',
      'T',
      'Z',
      ':',
      's',
      'm',
      'h',
      'd',
      'w',
      'y',
      'ms',
      ' ',
      'Infinity',
      'NaN',
      '1e308',
      '9'.repeat(400),
      '2023-11-14T22:13:20Z',
      '\u0000',
      '\u{1F600}',
    ),
    { maxLength: 16 },
  )
  .map((p) => p.join(''));

describe('query parameters under hostile input', () => {
  it('timestamps: any string is a finite time or a ParamError quoting it (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60, unit: 'binary' }), nearTime), (s) =>
        check(parseTimeMs, s),
      ),
      { numRuns: 1000 },
    );
  });

  it('durations: any string is a finite duration or a ParamError quoting it (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60, unit: 'binary' }), nearTime), (s) =>
        check(parseDurationParamMs, s),
      ),
      { numRuns: 1000 },
    );
  });

  it('huge and far-out values', () => {
    for (const s of [
      '9'.repeat(100_000),
      '1e999',
      '-1e999',
      '99999999999999999999y',
      `-${'9'.repeat(400)}ms`,
      `${'1'.repeat(5000)}s`,
      '-9e18',
    ]) {
      check(parseTimeMs, s);
      check(parseDurationParamMs, s);
    }
  });

  it('form bodies of any shape parse, and merge with query strings, without throwing (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.array(fc.string()))),
        (body, query) => {
          const form = parseForm(body);
          mergeParams(query, form);
        },
      ),
      { numRuns: 500 },
    );
    const many = parseForm(Array.from({ length: 100_000 }, () => 'match[]=up').join('&'));
    assert.equal((many['match[]'] as string[]).length, 100_000);
    mergeParams({ ['__proto__']: 'x', constructor: 'y' }, parseForm('__proto__=1&constructor=2&toString=3'));
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });
});
