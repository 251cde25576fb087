// What one probe run found, turned into blackbox_exporter's metric families.
import type { Labels } from '../../storage/types.js';
import { family } from '../lib/family.js';
import type { MetricFamily } from '../types.js';

export interface TlsInfo {
  /** Earliest notAfter in the presented chain, seconds since epoch. */
  earliestExpiry: number;
  /** Latest notAfter of the last certificate in the chain, seconds since epoch. */
  lastChainExpiry: number;
  version: string;
}

/** A peer certificate as Node's getPeerCertificate(true) gives it. */
interface PeerCert {
  valid_to?: string;
  fingerprint256?: string;
  issuerCertificate?: PeerCert;
}

/** Walks the chain node gives (issuerCertificate links, self-signed roots point at themselves). */
export function certExpiries(cert: PeerCert | null | undefined): { earliest: number; last: number } | null {
  let earliest = Number.POSITIVE_INFINITY;
  let last = Number.NaN;
  const seen = new Set<string>();
  let c: PeerCert | undefined = cert ?? undefined;
  while (c?.valid_to) {
    const key = c.fingerprint256 ?? c.valid_to;
    if (seen.has(key)) break;
    seen.add(key);
    const t = Date.parse(c.valid_to) / 1000;
    if (t < earliest) earliest = t;
    last = t;
    c = c.issuerCertificate;
  }
  return Number.isFinite(earliest) ? { earliest, last } : null;
}

export function ipProtocol(address: string | undefined): number {
  if (!address) return 0;
  return address.includes(':') ? 6 : 4;
}

export function g(name: string, help: string, labels: Labels, value: number): MetricFamily {
  return family(name, help, 'gauge', [{ labels, value }]);
}

export function tlsFamilies(
  labels: Labels,
  tls: TlsInfo | null,
  versionLabels: (v: string) => Labels,
): MetricFamily[] {
  if (!tls) return [];
  return [
    g(
      'probe_ssl_earliest_cert_expiry',
      'Returns last SSL chain expiry in unixtime',
      labels,
      tls.earliestExpiry,
    ),
    g(
      'probe_ssl_last_chain_expiry_timestamp_seconds',
      'Returns last SSL chain expiry in timestamp',
      labels,
      tls.lastChainExpiry,
    ),
    g(
      'probe_tls_version_info',
      'Returns the TLS version used or NaN when unknown',
      versionLabels(tls.version),
      1,
    ),
  ];
}

/** blackbox_exporter's names for Node's TLS protocol strings. */
export function tlsVersionName(protocol: string | null | undefined): string {
  switch (protocol) {
    case 'TLSv1.3':
      return 'TLS 1.3';
    case 'TLSv1.2':
      return 'TLS 1.2';
    case 'TLSv1.1':
      return 'TLS 1.1';
    case 'TLSv1':
      return 'TLS 1.0';
    default:
      return protocol ?? 'unknown';
  }
}
