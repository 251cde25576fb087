// Snappy block format (what remote_write bodies are), through snappyjs, with
// the decompressed size checked against a limit before any allocation.
import { createRequire } from 'node:module';
import { IngestInputError, IngestLimitError } from './limits.js';

interface SnappyJs {
  uncompress(compressed: Buffer | Uint8Array, maxLength?: number): Buffer | Uint8Array;
  compress(uncompressed: Buffer | Uint8Array): Buffer | Uint8Array;
}

const snappy = createRequire(import.meta.url)('snappyjs') as SnappyJs;

/** The decompressed length a snappy block announces in its header, or -1. */
function announcedLength(buf: Buffer): number {
  let x = 0;
  let mul = 1;
  for (let i = 0; i < Math.min(buf.length, 5); i++) {
    x += (buf[i] & 0x7f) * mul;
    if (buf[i] < 0x80) return x;
    mul *= 128;
  }
  return -1;
}

export function snappyUncompress(body: Buffer, maxBytes: number): Buffer {
  const n = announcedLength(body);
  if (n < 0)
    throw new IngestInputError('body is not snappy-compressed (Content-Encoding: snappy is required)');
  if (n > maxBytes) {
    throw new IngestLimitError(
      413,
      `decompressed body would be ${n} bytes, more than ${maxBytes} (ingest.max_decompressed_bytes)`,
    );
  }
  try {
    const out = snappy.uncompress(body, maxBytes);
    return Buffer.isBuffer(out) ? out : Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  } catch (err) {
    throw new IngestInputError(`body is not valid snappy: ${(err as Error).message}`);
  }
}

export function snappyCompress(raw: Buffer | Uint8Array): Buffer {
  const out = snappy.compress(Buffer.isBuffer(raw) ? raw : Buffer.from(raw));
  return Buffer.isBuffer(out) ? out : Buffer.from(out);
}
