import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { IngestInputError } from './limits.js';
import { invalidUtf8At, utf8Field, utf8Text } from './utf8.js';

describe('UTF-8 checks', () => {
  it('finds the line and byte of the first invalid sequence', () => {
    assert.equal(invalidUtf8At(Buffer.from('a{b="é€𝄞"} 1\n')), null);
    const bad = Buffer.concat([Buffer.from('ok 1\nx{a="'), Buffer.from([0xc3, 0x28]), Buffer.from('"} 1\n')]);
    assert.deepEqual(invalidUtf8At(bad), { line: 2, byte: 10 });
    // Overlong encodings, surrogates, past U+10FFFF and a cut sequence are all invalid.
    for (const bytes of [
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xe2, 0x82],
    ]) {
      assert.deepEqual(invalidUtf8At(Buffer.from([0x61, ...bytes])), { line: 1, byte: 1 }, String(bytes));
    }
  });

  it('agrees with the platform on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const at = invalidUtf8At(bytes);
        assert.equal(at === null, isUtf8(bytes));
        if (at) {
          assert.ok(isUtf8(bytes.subarray(0, at.byte)));
          assert.equal(at.line, 1 + bytes.subarray(0, at.byte).filter((b) => b === 0x0a).length);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses invalid text and fields with a 400-kind error, keeps a genuine U+FFFD', () => {
    assert.throws(
      () => utf8Text(Buffer.from([0x61, 0x0a, 0xff])),
      (e: Error) => e instanceof IngestInputError && /not valid UTF-8 at line 2 \(byte 2\)/.test(e.message),
    );
    const genuine = Buffer.from('x\uFFFDy');
    assert.equal(utf8Field(genuine, 0, genuine.length, 'f'), 'x\uFFFDy');
    assert.throws(() => utf8Field(Buffer.from([0x78, 0xfe]), 0, 2, 'label'), /label: invalid UTF-8/);
  });
});
