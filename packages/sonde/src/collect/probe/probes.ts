// Probes: each configured target runs on its own interval with its own
// timeout, independent of the collection cycle; a cycle reports every
// target's latest result. A target not yet probed is probed at once, so a
// single `sonde collect --once` shows every probe.
import type { Labels } from '../../storage/types.js';
import { parseDuration } from '../../config/duration.js';
import type { Collector, MetricFamily } from '../types.js';
import { createDnsProbe } from './dns.js';
import { createHttpProbe } from './http.js';
import { createTcpProbe } from './tcp.js';

export type ProbeConfig =
  | ({ type: 'http'; target: string; name?: string; interval?: string; timeout?: string } & Parameters<
      typeof createHttpProbe
    >[0])
  | ({ type: 'tcp'; target: string; name?: string; interval?: string; timeout?: string } & Parameters<
      typeof createTcpProbe
    >[0])
  | ({ type: 'dns'; target: string; name?: string; interval?: string; timeout?: string } & Parameters<
      typeof createDnsProbe
    >[0]);

export const DEFAULT_PROBE_INTERVAL_MS = 15_000;
export const DEFAULT_PROBE_TIMEOUT_MS = 5_000;

interface Target {
  readonly labels: Labels;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly run: (signal: AbortSignal) => Promise<MetricFamily[]>;
  latest: MetricFamily[] | null;
  inFlight: Promise<void> | null;
  timer: NodeJS.Timeout | null;
}

export function probeLabels(p: { name?: string; target: string; type: string }): Labels {
  return Object.freeze({ instance: p.name ?? p.target, probe: p.type });
}

export function createProbeCollector(probes: readonly ProbeConfig[]): Collector & { close(): void } {
  const targets: Target[] = probes.map((p) => {
    const labels = probeLabels(p);
    const intervalMs = p.interval ? parseDuration(p.interval) : DEFAULT_PROBE_INTERVAL_MS;
    const timeoutMs = Math.min(p.timeout ? parseDuration(p.timeout) : DEFAULT_PROBE_TIMEOUT_MS, intervalMs);
    const run =
      p.type === 'http'
        ? createHttpProbe(p, labels)
        : p.type === 'tcp'
          ? createTcpProbe(p, labels)
          : createDnsProbe(p, labels, timeoutMs);
    return { labels, intervalMs, timeoutMs, run, latest: null, inFlight: null, timer: null };
  });
  let started = false;
  let closed = false;

  function runTarget(t: Target): Promise<void> {
    if (t.inFlight) return t.inFlight;
    const signal = AbortSignal.timeout(t.timeoutMs);
    t.inFlight = t
      .run(signal)
      .then(
        (fams) => {
          t.latest = fams;
        },
        () => {
          t.latest = [
            {
              name: 'probe_success',
              help: 'Displays whether or not the probe was a success',
              type: 'gauge',
              samples: [{ labels: t.labels, value: 0 }],
            },
          ];
        },
      )
      .finally(() => {
        t.inFlight = null;
      });
    return t.inFlight;
  }

  function schedule(t: Target): void {
    if (closed) return;
    t.timer = setTimeout(() => {
      runTarget(t).finally(() => schedule(t));
    }, t.intervalMs);
    t.timer.unref();
  }

  return {
    name: 'probe',
    async unavailableReason() {
      return probes.length === 0 ? 'no probe targets configured' : null;
    },
    async collect(signal) {
      const first = targets.filter((t) => t.latest === null).map(runTarget);
      if (first.length > 0) {
        await Promise.race([
          Promise.all(first),
          new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })),
        ]);
      }
      if (!started && !closed) {
        started = true;
        for (const t of targets) schedule(t);
      }
      // One family per name across targets, as an exporter would expose them.
      const byName = new Map<string, MetricFamily & { samples: MetricFamily['samples'][number][] }>();
      for (const t of targets) {
        for (const f of t.latest ?? []) {
          const m = byName.get(f.name);
          if (m) m.samples.push(...f.samples);
          else byName.set(f.name, { ...f, samples: [...f.samples] });
        }
      }
      return [...byName.values()];
    },
    close() {
      closed = true;
      for (const t of targets) if (t.timer) clearTimeout(t.timer);
    },
  };
}
