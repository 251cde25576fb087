// Shared by the collect tests: fixture paths and lookups into collected families.
import { fileURLToPath } from 'node:url';
import type { HostPaths } from '../src/collect/linux/paths.js';
import type { Collector, MetricFamily } from '../src/collect/types.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export function fixturePaths(name: string): HostPaths {
  return {
    procfs: `${FIXTURES}${name}/proc`,
    sysfs: `${FIXTURES}${name}/sys`,
    rootfs: `${FIXTURES}${name}/root`,
  };
}

export async function collectOnce(c: Collector): Promise<readonly MetricFamily[]> {
  return c.collect(AbortSignal.timeout(5000));
}

export function fam(families: readonly MetricFamily[], name: string): MetricFamily {
  const f = families.find((x) => x.name === name);
  if (!f) throw new Error(`no family ${name} among ${families.map((x) => x.name).join(', ')}`);
  return f;
}

/** The value of the sample of `name` whose labels include `labels`. */
export function value(
  families: readonly MetricFamily[],
  name: string,
  labels: Record<string, string> = {},
): number {
  const f = fam(families, name);
  const s = f.samples.find((x) => Object.entries(labels).every(([k, v]) => x.labels[k] === v));
  if (!s) throw new Error(`no sample ${name}${JSON.stringify(labels)}`);
  return s.value;
}

/** An abort signal after `ms`, on a timer that keeps the process alive (AbortSignal.timeout's does not). */
export function signalAfter(ms: number): AbortSignal {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), ms);
  return ac.signal;
}
