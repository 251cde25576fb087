// Label strings handed out from the table are always the string the bytes
// spell, whatever else shares their slot; invalid UTF-8 is still refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LabelStrings } from './label-strings.js';
import { IngestInputError } from './limits.js';

describe('label strings', () => {
  it('reads what the bytes spell, repeated and colliding strings included', () => {
    const word = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.constantFrom('job', 'instance', 'node', 'bench_metric_1', 'bench_metric_11', 'é', '日本'),
      fc.nat(20_000).map(String),
    );
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 200 }),
        fc.constantFrom(1, 2, 4096),
        (words, slots) => {
          const strings = new LabelStrings(slots);
          const buf = Buffer.from(words.join(''));
          let at = 0;
          for (const w of words) {
            const n = Buffer.byteLength(w);
            assert.equal(strings.read(buf, at, at + n, 'label'), w);
            at += n;
          }
          // read again in reverse: hits and replaced slots alike
          for (let i = words.length - 1; i >= 0; i--) {
            at -= Buffer.byteLength(words[i]);
            assert.equal(strings.read(buf, at, at + Buffer.byteLength(words[i]), 'label'), words[i]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('hands back the same string for the same bytes', () => {
    const strings = new LabelStrings();
    const a = Buffer.from('xx instance yy instance');
    const first = strings.read(a, 3, 11, 'label');
    assert.equal(first, 'instance');
    assert.equal(strings.read(a, 15, 23, 'label'), first);
  });

  it('refuses invalid UTF-8, short or long', () => {
    const strings = new LabelStrings();
    for (const bad of [
      Buffer.from([0x61, 0xff, 0x62]),
      Buffer.concat([Buffer.alloc(60, 0x61), Buffer.from([0xc3])]),
    ]) {
      assert.throws(
        () => strings.read(bad, 0, bad.length, 'remote_write: label'),
        (err: Error) => err instanceof IngestInputError && /invalid UTF-8/.test(err.message),
      );
    }
  });
});
