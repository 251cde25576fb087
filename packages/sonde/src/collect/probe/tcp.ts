// A TCP connect probe (optionally with a TLS handshake), as blackbox_exporter's tcp prober.
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import tls from 'node:tls';
import type { Labels } from '../../storage/types.js';
import { LabelCache } from '../lib/family.js';
import type { MetricFamily } from '../types.js';
import { certExpiries, g, ipProtocol, type TlsInfo, tlsFamilies, tlsVersionName } from './result.js';

export interface TcpProbeConfig {
  readonly target: string;
  readonly tls?: boolean;
  readonly insecure_skip_verify?: boolean;
}

export function splitHostPort(target: string): { host: string; port: number } {
  const i = target.lastIndexOf(':');
  let host = target.slice(0, i);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host, port: Number(target.slice(i + 1)) };
}

export function createTcpProbe(
  cfg: TcpProbeConfig,
  labels: Labels,
): (signal: AbortSignal) => Promise<MetricFamily[]> {
  const { host, port } = splitHostPort(cfg.target);
  const versionLabels = new LabelCache();
  return async (signal) => {
    const t0 = performance.now();
    let dnsSeconds = 0;
    let ok = false;
    let address: string | undefined;
    let tlsInfo: TlsInfo | null = null;
    try {
      const addr = net.isIP(host) ? { address: host } : await lookup(host);
      dnsSeconds = (performance.now() - t0) / 1000;
      address = addr.address;
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => sock.destroy(new Error('probe timed out'));
        const done = (err?: Error) => {
          signal.removeEventListener('abort', onAbort);
          sock.destroy();
          if (err) reject(err);
          else resolve();
        };
        const sock: net.Socket = cfg.tls
          ? tls.connect(
              {
                host: addr.address,
                port,
                servername: net.isIP(host) ? undefined : host,
                rejectUnauthorized: !cfg.insecure_skip_verify,
              },
              () => {
                const t = sock as tls.TLSSocket;
                const exp = certExpiries(t.getPeerCertificate(true));
                if (exp)
                  tlsInfo = {
                    earliestExpiry: exp.earliest,
                    lastChainExpiry: exp.last,
                    version: tlsVersionName(t.getProtocol()),
                  };
                done();
              },
            )
          : net.connect({ host: addr.address, port }, () => done());
        sock.once('error', (e) => done(e));
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      });
      ok = true;
    } catch {
      ok = false;
    }
    return [
      g('probe_success', 'Displays whether or not the probe was a success', labels, ok ? 1 : 0),
      g(
        'probe_duration_seconds',
        'Returns how long the probe took to complete in seconds',
        labels,
        (performance.now() - t0) / 1000,
      ),
      g(
        'probe_dns_lookup_time_seconds',
        'Returns the time taken for probe dns lookup in seconds',
        labels,
        dnsSeconds,
      ),
      g(
        'probe_ip_protocol',
        'Specifies whether probe ip protocol is IP4 or IP6',
        labels,
        ipProtocol(address),
      ),
      ...tlsFamilies(labels, tlsInfo, (version) =>
        versionLabels.get(version, () => ({ ...labels, version })),
      ),
    ];
  };
}
