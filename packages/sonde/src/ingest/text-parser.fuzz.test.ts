// What the existing properties (arbitrary bytes, near-miss text) do not
// reach: inputs that are huge rather than random. Megabyte lines, 100k
// labels, unterminated quotes and escapes at the end of a megabyte, deep
// braces. Each is parsed or rejected with its line and a reason, in one pass.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseText } from './text-parser.js';

const MB = 1024 * 1024;

describe('text and OpenMetrics parser under huge input', () => {
  for (const format of ['prometheus', 'openmetrics'] as const) {
    it(`${format}: huge lines are parsed or rejected with their line number`, () => {
      const eof = format === 'openmetrics' ? '# EOF\n' : '';
      const cases: [string, string][] = [
        ['1 MB label value', `m{a="${'x'.repeat(MB)}"} 1\n`],
        ['100k labels', `m{${Array.from({ length: 100_000 }, (_, i) => `l${i}="v"`).join(',')}} 1\n`],
        ['unterminated quote after 1 MB', `m{a="${'x'.repeat(MB)}\n`],
        ['escape at the end of 1 MB', `m{a="${'\\'.repeat(MB - 1)}`],
        ['100k nested braces', `m${'{'.repeat(100_000)} 1\n`],
        ['1 MB metric name', `${'m'.repeat(MB)} 1\n`],
        ['1 MB value', `m ${'9'.repeat(MB)}\n`],
        ['1 MB timestamp', `m 1 ${'9'.repeat(MB)}\n`],
        ['1 MB HELP', `# HELP m ${'h'.repeat(MB)}\n`],
        ['100k lines of "{"', '{\n'.repeat(100_000)],
      ];
      for (const [what, text] of cases) {
        const got = parseText(`${text}ok_after 1\n${eof}`, format);
        for (const e of got.errors) {
          assert.ok(
            e.reason.length > 0 && e.reason.length < 2000,
            `${what}: a short reason, got ${e.reason.length} chars`,
          );
          assert.ok(e.line >= 1);
        }
        assert.ok(got.samples.length + got.errors.length >= 1, what);
        assert.ok(
          got.samples.some((s) => s.labels.__name__ === 'ok_after') || got.errors.length > 0,
          `${what}: the parser goes on after the bad line`,
        );
      }
    });
  }
});
