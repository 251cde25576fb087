// An HTTP(S) GET probe timed by phase as blackbox_exporter's http prober
// does: resolve, connect, tls, processing (to the first response byte) and
// transfer (the body), summed over redirects.
import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { Labels } from '../../storage/types.js';
import { family, LabelCache } from '../lib/family.js';
import type { MetricFamily } from '../types.js';
import { certExpiries, g, ipProtocol, type TlsInfo, tlsFamilies, tlsVersionName } from './result.js';

export interface HttpProbeConfig {
  readonly target: string;
  readonly valid_status_codes?: readonly number[];
  readonly fail_if_body_not_matches?: string;
  readonly fail_if_body_matches?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly insecure_skip_verify?: boolean;
  readonly follow_redirects?: boolean;
}

const PHASES = ['resolve', 'connect', 'tls', 'processing', 'transfer'] as const;
const MAX_REDIRECTS = 10;
/** Bodies are read in full (for the length), but only this much is kept for the regexes. */
const MAX_BODY_KEPT = 1 << 20;

interface Hop {
  status: number;
  location: string | undefined;
  phases: number[];
  bodyLength: number;
  contentLength: number;
  body: string;
  httpVersion: number;
  remoteAddress: string | undefined;
  tls: TlsInfo | null;
}

function hop(url: URL, cfg: HttpProbeConfig, signal: AbortSignal): Promise<Hop> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let tLookup = Number.NaN;
    let tConnect = Number.NaN;
    let tTls = Number.NaN;
    let tFirst = Number.NaN;
    const secure = url.protocol === 'https:';
    const options: https.RequestOptions = {
      method: 'GET',
      headers: { 'user-agent': 'sonde-probe', ...cfg.headers },
      agent: false,
      signal,
      rejectUnauthorized: !cfg.insecure_skip_verify,
    };
    const req = (secure ? https : http).request(url, options);
    req.on('socket', (sock) => {
      sock.once('lookup', () => {
        tLookup = performance.now();
      });
      sock.once('connect', () => {
        tConnect = performance.now();
      });
      sock.once('secureConnect', () => {
        tTls = performance.now();
      });
    });
    req.on('error', reject);
    req.on('response', (res) => {
      tFirst = performance.now();
      const sock = res.socket as TLSSocket;
      let tls: TlsInfo | null = null;
      if (secure && typeof sock.getPeerCertificate === 'function') {
        const exp = certExpiries(sock.getPeerCertificate(true));
        if (exp)
          tls = {
            earliestExpiry: exp.earliest,
            lastChainExpiry: exp.last,
            version: tlsVersionName(sock.getProtocol()),
          };
      }
      const remoteAddress = sock.remoteAddress;
      const chunks: Buffer[] = [];
      let kept = 0;
      let length = 0;
      res.on('data', (c: Buffer) => {
        length += c.length;
        if (kept < MAX_BODY_KEPT) {
          chunks.push(c);
          kept += c.length;
        }
      });
      res.on('error', reject);
      res.on('end', () => {
        const tEnd = performance.now();
        const start = t0;
        const dns = Number.isNaN(tLookup) ? start : tLookup;
        const conn = Number.isNaN(tConnect) ? dns : tConnect;
        const tlsDone = Number.isNaN(tTls) ? conn : tTls;
        const cl = Number(res.headers['content-length']);
        resolve({
          status: res.statusCode ?? 0,
          location: res.headers.location,
          phases: [dns - start, conn - dns, tlsDone - conn, tFirst - tlsDone, tEnd - tFirst].map(
            (ms) => Math.max(0, ms) / 1000,
          ),
          bodyLength: length,
          contentLength: Number.isFinite(cl) ? cl : -1,
          body: Buffer.concat(chunks).toString('utf8'),
          httpVersion: Number(res.httpVersion) || 0,
          remoteAddress,
          tls,
        });
      });
    });
    req.end();
  });
}

export function createHttpProbe(
  cfg: HttpProbeConfig,
  labels: Labels,
): (signal: AbortSignal) => Promise<MetricFamily[]> {
  const phaseLabels = new LabelCache();
  const versionLabels = new LabelCache();
  const mustMatch = cfg.fail_if_body_not_matches ? new RegExp(cfg.fail_if_body_not_matches) : null;
  const mustNotMatch = cfg.fail_if_body_matches ? new RegExp(cfg.fail_if_body_matches) : null;

  return async (signal) => {
    const t0 = performance.now();
    const phases = [0, 0, 0, 0, 0];
    let last: Hop | null = null;
    let redirects = 0;
    let ok = false;
    let regexFailed = 0;
    try {
      let url = new URL(cfg.target);
      for (;;) {
        const h = await hop(url, cfg, signal);
        for (let i = 0; i < phases.length; i++) phases[i] += h.phases[i];
        last = h;
        if (
          cfg.follow_redirects !== false &&
          h.status >= 300 &&
          h.status < 400 &&
          h.location &&
          redirects < MAX_REDIRECTS
        ) {
          redirects++;
          url = new URL(h.location, url);
          continue;
        }
        break;
      }
      const valid = cfg.valid_status_codes?.length
        ? cfg.valid_status_codes.includes(last.status)
        : last.status >= 200 && last.status < 300;
      ok = valid;
      if (ok && mustMatch && !mustMatch.test(last.body)) {
        ok = false;
        regexFailed = 1;
      }
      if (ok && mustNotMatch?.test(last.body)) {
        ok = false;
        regexFailed = 1;
      }
    } catch {
      ok = false; // refused, reset, TLS failure, timeout: probe_success 0
    }
    const duration = (performance.now() - t0) / 1000;
    const out: MetricFamily[] = [
      g('probe_success', 'Displays whether or not the probe was a success', labels, ok ? 1 : 0),
      g('probe_duration_seconds', 'Returns how long the probe took to complete in seconds', labels, duration),
      g(
        'probe_dns_lookup_time_seconds',
        'Returns the time taken for probe dns lookup in seconds',
        labels,
        phases[0],
      ),
      family(
        'probe_http_duration_seconds',
        'Duration of http request by phase, summed over all redirects',
        'gauge',
        PHASES.map((phase, i) => ({
          labels: phaseLabels.get(phase, () => ({ ...labels, phase })),
          value: phases[i],
        })),
      ),
      g('probe_http_redirects', 'The number of redirects', labels, redirects),
      g('probe_failed_due_to_regex', 'Indicates if probe failed due to regex', labels, regexFailed),
    ];
    if (last) {
      out.push(
        g('probe_http_status_code', 'Response HTTP status code', labels, last.status),
        g('probe_http_content_length', 'Length of http content response', labels, last.contentLength),
        g(
          'probe_http_uncompressed_body_length',
          'Length of uncompressed response body',
          labels,
          last.bodyLength,
        ),
        g(
          'probe_http_version',
          'Returns the version of HTTP of the probe response',
          labels,
          last.httpVersion,
        ),
        g('probe_http_ssl', 'Indicates if SSL was used for the final redirect', labels, last.tls ? 1 : 0),
        g(
          'probe_ip_protocol',
          'Specifies whether probe ip protocol is IP4 or IP6',
          labels,
          ipProtocol(last.remoteAddress),
        ),
        ...tlsFamilies(labels, last.tls, (version) =>
          versionLabels.get(version, () => ({ ...labels, version })),
        ),
      );
    }
    return out;
  };
}
