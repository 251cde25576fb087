// One HTTP POST of a JSON body, judged the way Alertmanager judges receivers:
// 2xx accepted; 429 and 5xx (and network failures) retried; other 4xx
// rejected for good, since sending the same request again cannot help.
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { HttpConfig } from '../../../config/alerting-schema.js';
import type { DeliveryResult } from '../outbox.js';

export interface PostOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  readonly http?: HttpConfig;
}

function authHeader(http: HttpConfig | undefined): string | undefined {
  if (!http) return undefined;
  if (http.basic_auth) {
    return `Basic ${Buffer.from(`${http.basic_auth.username}:${http.basic_auth.password}`).toString('base64')}`;
  }
  if (http.authorization) return `${http.authorization.type} ${http.authorization.credentials}`;
  if (http.bearer_token) return `Bearer ${http.bearer_token}`;
  return undefined;
}

export function postJson(url: string, body: unknown, opts: PostOptions = {}): Promise<DeliveryResult> {
  const data = Buffer.from(JSON.stringify(body));
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve({ ok: false, retry: false, error: `invalid URL ${url}` });
  }
  const auth = authHeader(opts.http);
  const tls = opts.http?.tls_config;
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  let tlsOptions: Record<string, unknown> = {};
  if (target.protocol === 'https:' && tls) {
    try {
      tlsOptions = {
        // Certificates are checked unless insecure_skip_verify is set.
        rejectUnauthorized: !tls.insecure_skip_verify,
        ...(tls.ca_file ? { ca: readFileSync(tls.ca_file) } : {}),
        ...(tls.cert_file ? { cert: readFileSync(tls.cert_file) } : {}),
        ...(tls.key_file ? { key: readFileSync(tls.key_file) } : {}),
        ...(tls.server_name ? { servername: tls.server_name } : {}),
      };
    } catch (err) {
      // The files may be put in place later: retried.
      return Promise.resolve({ ok: false, retry: true, error: `tls_config: ${(err as Error).message}` });
    }
  }
  return new Promise((resolve) => {
    const req = send(
      target,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(data.length),
          'user-agent': 'sonde-alerting',
          ...(auth ? { authorization: auth } : {}),
          ...opts.headers,
        },
        timeout: opts.timeoutMs ?? 10_000,
        ...tlsOptions,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          if (text.length < 512) text += c;
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve({ ok: true, status });
          else {
            const error = `HTTP ${status} from ${target.host}: ${text.trim().slice(0, 200)}`;
            resolve({ ok: false, retry: status === 429 || status >= 500, error });
          }
        });
        res.on('error', (e) => resolve({ ok: false, retry: true, error: e.message }));
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`no answer from ${target.host} within ${opts.timeoutMs ?? 10_000} ms`)),
    );
    req.on('error', (e) => resolve({ ok: false, retry: true, error: e.message }));
    req.end(data);
  });
}
