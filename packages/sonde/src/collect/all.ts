// Every collector the config asks for, in one list: the host's (node_exporter
// set and gpu), sonde's own process and watched processes, and the probes.
import {
  createHostCollectors,
  type CollectConfig,
  type HostCollectorOptions,
  type HostCollectors,
  isEnabled,
} from './host.js';
import { createProcessCollector } from './process/process.js';
import { createProbeCollector } from './probe/probes.js';

export async function createCollectors(
  config: CollectConfig,
  options: HostCollectorOptions = {},
): Promise<HostCollectors> {
  const host = await createHostCollectors(config, options);
  const collectors = [...host.collectors];
  const off = [...host.off];
  if (isEnabled(config, 'process')) {
    const p = createProcessCollector({
      groups: config.processes,
      procfs: options.paths?.procfs ?? config.procfs,
      sysfs: options.paths?.sysfs ?? config.sysfs,
    });
    const reason = await p.unavailableReason();
    if (reason === null) collectors.push(p);
    else off.push({ name: p.name, reason });
  } else off.push({ name: 'process', reason: 'disabled in the config' });
  if (config.probes.length > 0) {
    if (isEnabled(config, 'probe')) collectors.push(createProbeCollector(config.probes));
    else off.push({ name: 'probe', reason: 'disabled in the config' });
  }
  off.sort((a, b) => a.name.localeCompare(b.name));
  return { collectors, off };
}
