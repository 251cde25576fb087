// Serving over TLS from certificate and key files, reloadable without a
// restart (SIGHUP or POST /-/reload), for rotated certificates.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:https';

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

export function readTls(files: TlsFiles): { cert: Buffer; key: Buffer } {
  const read = (what: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`cannot read TLS ${what} file ${path}: ${(err as Error).message}`);
    }
  };
  return { cert: read('certificate', files.certFile), key: read('key', files.keyFile) };
}

/** Swaps the certificate of a running HTTPS server; new connections use it. */
export function reloadTls(server: Server, files: TlsFiles): void {
  server.setSecureContext(readTls(files));
}
