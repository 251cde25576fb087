// Blocking HTTP for the Storage seam's synchronous read side (Querier.select,
// labelNames, ...), which a remote store can only serve over the network: a
// worker thread makes the request while the caller waits on a shared flag,
// then takes the answer off a message port. Only the analytics and label
// paths use this; PromQL goes through the asynchronous RemoteQueryEngine.
import { readFileSync } from 'node:fs';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { HttpClientConfig } from '../scrape/http-client.js';

// Plain CommonJS so it runs the same from sources (tsx) and from dist.
const WORKER = `
const { workerData } = require('node:worker_threads');
const http = require('node:http');
const https = require('node:https');
const zlib = require('node:zlib');
const { port, flag, tls } = workerData;
// A (gzipped) answer is read up to this many bytes, as the asynchronous client does.
const MAX_BYTES = 512 * 1024 * 1024;
const httpAgent = new http.Agent({ keepAlive: true });
const httpsAgent = new https.Agent({ keepAlive: true, ...tls });
function reply(msg) {
  port.postMessage(msg);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}
port.on('message', (r) => {
  const url = new URL(r.url);
  const mod = url.protocol === 'https:' ? https : http;
  let done = false;
  const finish = (msg) => { if (!done) { done = true; clearTimeout(timer); reply({ id: r.id, ...msg }); } };
  const timer = setTimeout(() => { req.destroy(); finish({ error: 'context deadline exceeded (timeout ' + r.timeoutMs + 'ms)' }); }, r.timeoutMs);
  const req = mod.request(url, { method: r.method, headers: r.headers, agent: url.protocol === 'https:' ? httpsAgent : httpAgent }, (res) => {
    const gz = /gzip/i.test(String(res.headers['content-encoding'] || ''));
    const s = gz ? res.pipe(zlib.createGunzip()) : res;
    const chunks = [];
    let size = 0;
    s.on('data', (c) => {
      size += c.length;
      if (size > MAX_BYTES) { req.destroy(); finish({ error: 'body larger than ' + MAX_BYTES + ' bytes' }); }
      else chunks.push(c);
    });
    s.on('error', (e) => finish({ error: 'reading body: ' + e.message }));
    s.on('end', () => finish({ status: res.statusCode, statusText: res.statusMessage || '', text: Buffer.concat(chunks).toString('utf8') }));
  });
  req.on('error', (e) => finish({ error: e.message }));
  req.end(r.body);
});
`;

export interface BlockingResponse {
  readonly status: number;
  readonly statusText: string;
  readonly text: string;
}

export class BlockingHttp {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly headers: Record<string, string>;
  private nextId = 0;

  constructor(config: HttpClientConfig) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const t = config.tls_config;
    const tls = {
      ...(t?.ca_file ? { ca: readFileSync(t.ca_file, 'utf8') } : {}),
      ...(t?.cert_file ? { cert: readFileSync(t.cert_file, 'utf8') } : {}),
      ...(t?.key_file ? { key: readFileSync(t.key_file, 'utf8') } : {}),
      ...(t?.server_name ? { servername: t.server_name } : {}),
      rejectUnauthorized: !t?.insecure_skip_verify,
    };
    this.worker = new Worker(WORKER, {
      eval: true,
      execArgv: [],
      workerData: { port: port2, flag: this.flag, tls },
      transferList: [port2],
    });
    this.worker.unref();
    this.port.unref();
    this.headers = { ...(config.headers ?? {}) };
    if (config.basic_auth) {
      const { username, password } = config.basic_auth;
      this.headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    } else if (config.authorization) {
      this.headers.Authorization = `${config.authorization.type} ${config.authorization.credentials}`;
    }
  }

  /**
   * Sends a form (POST body, or GET query) and blocks until the answer or the
   * deadline; throws Error on transport failure. The remote must not be this
   * thread's own server: it could not answer while the thread waits.
   */
  request(method: 'GET' | 'POST', url: URL, form: string, timeoutMs: number): BlockingResponse {
    const id = ++this.nextId;
    const target = new URL(url);
    if (method === 'GET' && form) target.search = form;
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({
      id,
      url: target.toString(),
      method,
      headers: {
        ...this.headers,
        ...(method === 'POST' ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
        Accept: 'application/json',
      },
      body: method === 'POST' ? form : undefined,
      timeoutMs,
    });
    // The worker enforces the deadline; the extra second only guards against a dead worker.
    const end = Date.now() + timeoutMs + 1000;
    for (;;) {
      // Answers to earlier calls that gave up are skipped.
      for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
        const msg = m.message as { id: number; error?: string } & BlockingResponse;
        if (msg.id !== id) continue;
        if (msg.error !== undefined) throw new Error(msg.error);
        return msg;
      }
      const left = end - Date.now();
      if (left <= 0) throw new Error(`no answer from the HTTP worker within ${timeoutMs + 1000}ms`);
      Atomics.wait(this.flag, 0, 0, left);
      Atomics.store(this.flag, 0, 0);
    }
  }

  close(): Promise<number> {
    this.port.close();
    return this.worker.terminate();
  }
}
