// A DNS lookup probe, as blackbox_exporter's dns prober (answer count, lookup time).
import { Resolver } from 'node:dns/promises';
import type { Labels } from '../../storage/types.js';
import type { MetricFamily } from '../types.js';
import { g } from './result.js';

export interface DnsProbeConfig {
  readonly target: string;
  readonly query_type?: string;
  readonly server?: string;
  readonly fail_if_no_answer?: boolean;
}

export function createDnsProbe(
  cfg: DnsProbeConfig,
  labels: Labels,
  timeoutMs: number,
): (signal: AbortSignal) => Promise<MetricFamily[]> {
  const type = cfg.query_type ?? 'A';
  return async (signal) => {
    const resolver = new Resolver({ timeout: Math.max(1, timeoutMs), tries: 1 });
    if (cfg.server) resolver.setServers([cfg.server]);
    const onAbort = () => resolver.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    const t0 = performance.now();
    let answers = 0;
    let ok = false;
    try {
      const r = (await resolver.resolve(cfg.target, type)) as unknown;
      answers = Array.isArray(r) ? r.length : r ? 1 : 0;
      ok = cfg.fail_if_no_answer === false || answers > 0;
    } catch (err) {
      // NODATA is an empty answer, not a failure to look up.
      if ((err as NodeJS.ErrnoException).code === 'ENODATA') ok = cfg.fail_if_no_answer === false;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    const seconds = (performance.now() - t0) / 1000;
    return [
      g('probe_success', 'Displays whether or not the probe was a success', labels, ok ? 1 : 0),
      g('probe_duration_seconds', 'Returns how long the probe took to complete in seconds', labels, seconds),
      g(
        'probe_dns_lookup_time_seconds',
        'Returns the time taken for probe dns lookup in seconds',
        labels,
        seconds,
      ),
      g(
        'probe_dns_answer_rrs',
        'Returns number of entries in the answer resource record list',
        labels,
        answers,
      ),
    ];
  };
}
