// Certificates for tests, made with openssl at run time (nothing secret in
// the repository): a self-signed server certificate, or a small PKI — a CA,
// a server certificate for 127.0.0.1 and a client certificate it signed —
// and an HTTPS server on 127.0.0.1 that can require client certificates.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

export interface Pem {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: Buffer;
  readonly key: Buffer;
}

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

function pem(dir: string, name: string): Pem {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  return { certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
}

/** A self-signed certificate with these X.509 extensions, written to dir/name.crt and dir/name.key. */
function selfSignedWith(dir: string, name: string, subject: string, extensions: string[]): Pem {
  openssl([
    'req',
    '-x509',
    ...KEY,
    '-days',
    '2',
    '-subj',
    subject,
    ...extensions.flatMap((e) => ['-addext', e]),
    '-keyout',
    join(dir, `${name}.key`),
    '-out',
    join(dir, `${name}.crt`),
  ]);
  return pem(dir, name);
}

/** A self-signed certificate for 127.0.0.1 with CN=name, written to dir/name.crt and dir/name.key. */
export function selfSigned(dir: string, name: string): Pem {
  return selfSignedWith(dir, name, `/CN=${name}`, ['subjectAltName=IP:127.0.0.1']);
}

/** A certificate for CN=name signed by `ca`: a server certificate for 127.0.0.1, or a client one. */
function issue(dir: string, ca: Pem, name: string, use: 'server' | 'client'): Pem {
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  openssl(['req', '-new', ...KEY, '-subj', `/CN=${name}`, '-keyout', join(dir, `${name}.key`), '-out', csr]);
  writeFileSync(
    ext,
    use === 'server'
      ? 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n'
      : 'extendedKeyUsage=clientAuth\n',
  );
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.certFile,
    '-CAkey',
    ca.keyFile,
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    ext,
    '-out',
    join(dir, `${name}.crt`),
  ]);
  return pem(dir, name);
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, all in `dir`. */
export function testPki(dir: string): { ca: Pem; server: Pem; client: Pem } {
  const ca = selfSignedWith(dir, 'ca', '/CN=sonde test CA', [
    'basicConstraints=critical,CA:TRUE',
    'keyUsage=critical,keyCertSign',
  ]);
  return { ca, server: issue(dir, ca, 'server', 'server'), client: issue(dir, ca, 'client', 'client') };
}

export interface TlsServer {
  readonly url: string;
  /** CN of the client certificate of each request that reached the handler ('' without one). */
  readonly clients: string[];
  close(): Promise<void>;
}

/**
 * An HTTPS server on 127.0.0.1 with `server`'s certificate; with `clientCa` it requires a client
 * certificate signed by that CA (a handshake without one fails before the handler).
 */
export async function startTlsServer(
  options: { server: Pem; clientCa?: Pem },
  handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void,
): Promise<TlsServer> {
  const clients: string[] = [];
  const server = createServer(
    {
      cert: options.server.cert,
      key: options.server.key,
      ...(options.clientCa ? { ca: options.clientCa.cert, requestCert: true, rejectUnauthorized: true } : {}),
    },
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      clients.push(peer?.subject?.CN ?? '');
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => handler(req, res, Buffer.concat(chunks)));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    clients,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
