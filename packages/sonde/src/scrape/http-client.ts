// An outgoing HTTP(S) client for scraping and for querying remote stores:
// keep-alive agents, basic or authorization-header credentials, the TLS
// settings Prometheus's tls_config has, gzip bodies, and a hard deadline per
// request so a hung server never holds a caller longer than its timeout.
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createGunzip } from 'node:zlib';

export interface HttpClientConfig {
  readonly basic_auth?: { readonly username: string; readonly password: string };
  readonly authorization?: { readonly type: string; readonly credentials: string };
  readonly tls_config?: {
    readonly ca_file?: string;
    readonly cert_file?: string;
    readonly key_file?: string;
    readonly server_name?: string;
    readonly insecure_skip_verify: boolean;
  };
  readonly headers?: Readonly<Record<string, string>>;
}

export interface HttpResponse {
  readonly status: number;
  readonly statusText: string;
  readonly contentType: string;
  readonly body: Buffer;
}

export interface RequestOptions {
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Largest (decompressed) body accepted. */
  readonly maxBytes?: number;
}

export class HttpError extends Error {}

export class HttpClient {
  private readonly http = new HttpAgent({ keepAlive: true, maxSockets: 64 });
  private readonly https: HttpsAgent;
  private readonly headers: Record<string, string>;

  constructor(config: HttpClientConfig = {}) {
    const tls = config.tls_config;
    const read = (what: string, file: string | undefined) => {
      if (!file) return undefined;
      try {
        return readFileSync(file);
      } catch (err) {
        throw new Error(`tls_config.${what} "${file}" cannot be read: ${(err as Error).message}`);
      }
    };
    this.https = new HttpsAgent({
      keepAlive: true,
      maxSockets: 64,
      ca: read('ca_file', tls?.ca_file),
      cert: read('cert_file', tls?.cert_file),
      key: read('key_file', tls?.key_file),
      servername: tls?.server_name,
      rejectUnauthorized: !tls?.insecure_skip_verify,
    });
    this.headers = { ...(config.headers ?? {}) };
    if (config.basic_auth) {
      const { username, password } = config.basic_auth;
      this.headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    } else if (config.authorization) {
      this.headers.Authorization = `${config.authorization.type} ${config.authorization.credentials}`;
    }
  }

  request(url: URL, opts: RequestOptions): Promise<HttpResponse> {
    const https = url.protocol === 'https:';
    if (!https && url.protocol !== 'http:')
      return Promise.reject(new HttpError(`unsupported scheme ${url.protocol}`));
    const send = https ? httpsRequest : httpRequest;
    const maxBytes = opts.maxBytes ?? 512 * 1024 * 1024;
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      const finish = (err: Error | undefined, res?: HttpResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        if (err) {
          req.destroy();
          reject(err);
        } else resolve(res!);
      };
      const onAbort = () => finish(new HttpError('request canceled'));
      const timer = setTimeout(
        () => finish(new HttpError(`context deadline exceeded (timeout ${opts.timeoutMs}ms)`)),
        opts.timeoutMs,
      );
      const req = send(url, {
        method: opts.method ?? 'GET',
        agent: https ? this.https : this.http,
        headers: { ...this.headers, ...(opts.headers ?? {}) },
      });
      if (opts.signal?.aborted) onAbort();
      else opts.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => finish(new HttpError(err.message)));
      req.on('response', (res: IncomingMessage) => {
        const gzip = /gzip/i.test(String(res.headers['content-encoding'] ?? ''));
        const stream = gzip ? res.pipe(createGunzip()) : res;
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) finish(new HttpError(`body larger than ${maxBytes} bytes`));
          else chunks.push(c);
        });
        stream.on('error', (err) => finish(new HttpError(`reading body: ${err.message}`)));
        stream.on('end', () =>
          finish(undefined, {
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            contentType: String(res.headers['content-type'] ?? ''),
            body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size),
          }),
        );
      });
      if (opts.body !== undefined) req.end(opts.body);
      else req.end();
    });
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}
