// Metric names, label names and label values must be valid UTF-8, as in
// Prometheus: bytes that are not are refused with where they are, never
// replaced by U+FFFD (which would merge distinct series and store what was
// never sent).
import { isUtf8 } from 'node:buffer';
import { IngestInputError } from './limits.js';

/** Offset of the first byte that does not start a valid UTF-8 sequence in [start, end), or -1. */
function firstInvalid(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    // Length of the sequence and the range its second byte must fall in (RFC 3629).
    let n = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) n = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      n = 3;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 4;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + n > end || buf[i + 1] < lo || buf[i + 1] > hi) return i;
    for (let k = 2; k < n; k++) if ((buf[i + k] & 0xc0) !== 0x80) return i;
    i += n;
  }
  return -1;
}

/** Line (1-based) and byte offset of the first invalid UTF-8 in `buf`, or null when it is all valid. */
export function invalidUtf8At(buf: Uint8Array): { line: number; byte: number } | null {
  if (isUtf8(buf)) return null;
  const byte = firstInvalid(buf, 0, buf.length);
  if (byte < 0) return null;
  let line = 1;
  for (let i = buf.indexOf(0x0a); i >= 0 && i < byte; i = buf.indexOf(0x0a, i + 1)) line++;
  return { line, byte };
}

/** The body as text; a body with invalid UTF-8 is refused (400) naming the line and byte. */
export function utf8Text(buf: Buffer, what = 'body'): string {
  const at = invalidUtf8At(buf);
  if (at) {
    throw new IngestInputError(
      `${what} is not valid UTF-8 at line ${at.line} (byte ${at.byte}): metric names, label names and values must be UTF-8`,
    );
  }
  return buf.toString('utf8');
}

/** One protobuf string field; invalid UTF-8 is refused (400) naming the field's offset. */
export function utf8Field(buf: Buffer, start: number, end: number, what: string): string {
  const s = buf.toString('utf8', start, end);
  // Decoding replaces invalid bytes with U+FFFD; only then are the bytes checked (one may be genuine).
  if (s.includes('\uFFFD') && !isUtf8(buf.subarray(start, end))) {
    throw new IngestInputError(`${what}: invalid UTF-8 in a string at byte ${start}`);
  }
  return s;
}
