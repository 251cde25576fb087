// The collect stage's public surface: host, process, probe and GPU
// collectors, the loop that runs them, and the bridge into storage.
export type * from './types.js';
export { appendFamilies } from './append.js';
export { formatJson, formatPrometheusText } from './exposition.js';
export {
  type CollectConfig,
  createHostCollectors,
  type HostCollectorOptions,
  type HostCollectors,
  isEnabled,
  type OffCollector,
} from './host.js';
export {
  type CollectionLoop,
  type CollectionLoopOptions,
  type CollectLogger,
  type CycleResult,
  createCollectionLoop,
} from './loop.js';
export { createGpuCollector, type GpuCollectorOptions } from './gpu/nvidia-smi.js';
export { DEFAULT_PATHS, type HostPaths, LINUX_COLLECTORS } from './linux/index.js';
export { createCollectors } from './all.js';
export {
  createProcessCollector,
  type ProcessCollectorOptions,
  type ProcessGroupConfig,
} from './process/process.js';
export { createProbeCollector, type ProbeConfig } from './probe/probes.js';
