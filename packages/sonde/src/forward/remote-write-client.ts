// One remote_write endpoint over HTTP(S): keep-alive connections, the
// headers the protocol asks for, outgoing TLS settings, and a verdict per
// request — delivered, retry later (5xx, 429, network), or drop (other 4xx).
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { SONDE_VERSION } from '../version.js';

export interface RemoteEndpoint {
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly basicAuth?: { readonly username: string; readonly password: string };
  readonly bearerToken?: string;
  readonly tls?: {
    readonly caFile?: string;
    readonly certFile?: string;
    readonly keyFile?: string;
    readonly insecureSkipVerify?: boolean;
  };
  readonly timeoutMs?: number;
}

export type SendOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'retry'; readonly reason: string; readonly afterMs?: number }
  | { readonly kind: 'drop'; readonly reason: string };

function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

export class RemoteWriteClient {
  private readonly url: URL;
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly headers: Record<string, string>;

  constructor(private readonly endpoint: RemoteEndpoint) {
    this.url = new URL(endpoint.url);
    if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') {
      throw new Error(`remote_write url must be http or https, got ${endpoint.url}`);
    }
    const tls = endpoint.tls ?? {};
    this.agent =
      this.url.protocol === 'https:'
        ? new HttpsAgent({
            keepAlive: true,
            ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}),
            ...(tls.certFile ? { cert: readFileSync(tls.certFile) } : {}),
            ...(tls.keyFile ? { key: readFileSync(tls.keyFile) } : {}),
            rejectUnauthorized: !tls.insecureSkipVerify,
          })
        : new HttpAgent({ keepAlive: true });
    this.headers = {
      'Content-Type': 'application/x-protobuf',
      'Content-Encoding': 'snappy',
      'X-Prometheus-Remote-Write-Version': '0.1.0',
      'User-Agent': `sonde/${SONDE_VERSION}`,
      ...(endpoint.headers ?? {}),
    };
    if (endpoint.basicAuth) {
      const { username, password } = endpoint.basicAuth;
      this.headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    } else if (endpoint.bearerToken) {
      this.headers.Authorization = `Bearer ${endpoint.bearerToken}`;
    }
  }

  /** Where this client sends, without credentials (for logs and labels). */
  get target(): string {
    return `${this.url.protocol}//${this.url.host}${this.url.pathname}`;
  }

  send(body: Buffer): Promise<SendOutcome> {
    const request = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      const req = request(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          headers: { ...this.headers, 'Content-Length': String(body.length) },
          timeout: this.endpoint.timeoutMs ?? 30_000,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            if (text.length < 512) text += c;
          });
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const reason = `HTTP ${status}${text ? `: ${text.trim().slice(0, 200)}` : ''}`;
            if (status >= 200 && status < 300) resolve({ kind: 'ok' });
            else if (status === 429 || status >= 500) {
              const afterMs = retryAfterMs(res.headers['retry-after']);
              resolve(afterMs === undefined ? { kind: 'retry', reason } : { kind: 'retry', reason, afterMs });
            } else resolve({ kind: 'drop', reason });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (err) => resolve({ kind: 'retry', reason: err.message }));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
