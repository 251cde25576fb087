// What a collector produces each cycle: metric families in the exposition
// model, the same shape the SDK's registry and the scrape/ingest parsers use.
import type { Labels, MetricType } from '../storage/types.js';

export interface CollectedSample {
  /** Extra labels beyond the family name (no __name__). */
  readonly labels: Labels;
  readonly value: number;
}

export interface MetricFamily {
  /** The full sample name, e.g. node_cpu_seconds_total. */
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly samples: readonly CollectedSample[];
}

export interface Collector {
  /** Stable name, used in sonde_collector_success{collector=...} and the config's enabled list. */
  readonly name: string;
  /** Why it is off on this host (no /proc, no nvidia-smi, ...), or null when it can run. */
  unavailableReason(): Promise<string | null>;
  collect(signal: AbortSignal): Promise<readonly MetricFamily[]>;
  /** Releases what the collector holds between cycles (a child process, timers); optional. */
  close?(): void | Promise<void>;
}
