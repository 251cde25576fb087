// The shape every Linux collector shares: a name, the files it needs (its
// reason to be off when they are missing), and a collect function.
import { existsSync } from 'node:fs';
import type { Collector, MetricFamily } from '../types.js';

export function linuxCollector(
  name: string,
  /** Files or folders of which at least one must exist. */
  required: readonly string[],
  collect: (signal: AbortSignal) => readonly MetricFamily[] | Promise<readonly MetricFamily[]>,
  /** Extra check, run once the files are there; returns a reason to be off, or null. */
  check?: () => string | null,
): Collector {
  return {
    name,
    async unavailableReason() {
      if (required.length > 0 && !required.some((p) => existsSync(p))) {
        return `${required.join(' or ')} not found`;
      }
      return check ? check() : null;
    },
    async collect(signal) {
      return collect(signal);
    },
  };
}
