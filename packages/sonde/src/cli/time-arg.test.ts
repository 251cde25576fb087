import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTimeArg, parseWindowArg } from './time-arg.js';

const NOW = Date.parse('2026-11-22T12:00:00Z');

describe('parseTimeArg', () => {
  it('reads now, relative times, Unix seconds and RFC 3339', () => {
    assert.equal(parseTimeArg('now', NOW), NOW);
    assert.equal(parseTimeArg('-1h', NOW), NOW - 3_600_000);
    assert.equal(parseTimeArg('now-30m', NOW), NOW - 1_800_000);
    assert.equal(parseTimeArg('+1d', NOW), NOW + 86_400_000);
    assert.equal(parseTimeArg('1795000000', NOW), 1_795_000_000_000);
    assert.equal(parseTimeArg('1795000000.5', NOW), 1_795_000_000_500);
    assert.equal(parseTimeArg('2026-11-22T10:00:00Z', NOW), Date.parse('2026-11-22T10:00:00Z'));
    assert.equal(parseTimeArg('2026-11-22T10:00:00+02:00', NOW), Date.parse('2026-11-22T08:00:00Z'));
  });
  it('names the problem with anything else', () => {
    for (const bad of ['yesterday', '-1x', '', '2026-13-45']) {
      assert.throws(() => parseTimeArg(bad, NOW), /cannot read|invalid duration|empty duration/, bad);
    }
  });
});

describe('parseWindowArg', () => {
  it('reads START..END', () => {
    assert.deepEqual(parseWindowArg('-2h..-1h', NOW), { startMs: NOW - 7_200_000, endMs: NOW - 3_600_000 });
  });
  it('refuses windows that end before they start, or have no ..', () => {
    assert.throws(() => parseWindowArg('-1h..-2h', NOW), /ends before it starts/);
    assert.throws(() => parseWindowArg('-1h', NOW), /START\.\.END/);
  });
});
