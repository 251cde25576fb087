// Snappy block format (what remote_write bodies are): decoded by our own
// block decoder (snappy-block.ts, the receive path's hot loop), with the
// decompressed size checked against a limit before any allocation; encoded
// through snappyjs.
import { createRequire } from 'node:module';
import { IngestInputError, IngestLimitError } from './limits.js';
import { SnappyFormatError, blockHeader, uncompressBlock } from './snappy-block.js';

interface SnappyJs {
  compress(uncompressed: Buffer | Uint8Array): Buffer | Uint8Array;
}

const snappy = createRequire(import.meta.url)('snappyjs') as SnappyJs;

export function snappyUncompress(body: Buffer, maxBytes: number): Buffer {
  const header = blockHeader(body);
  if (header === null)
    throw new IngestInputError('body is not snappy-compressed (Content-Encoding: snappy is required)');
  if (header.length > maxBytes) {
    throw new IngestLimitError(
      413,
      `decompressed body would be ${header.length} bytes, more than ${maxBytes} (ingest.max_decompressed_bytes)`,
    );
  }
  const out = Buffer.allocUnsafe(header.length);
  try {
    uncompressBlock(body, header.start, out);
  } catch (err) {
    if (!(err instanceof SnappyFormatError)) throw err;
    throw new IngestInputError(`body is not valid snappy: ${err.message}`);
  }
  return out;
}

export function snappyCompress(raw: Buffer | Uint8Array): Buffer {
  const out = snappy.compress(Buffer.isBuffer(raw) ? raw : Buffer.from(raw));
  return Buffer.isBuffer(out) ? out : Buffer.from(out);
}
