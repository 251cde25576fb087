// A point-in-time copy of a registry's metrics as data, for the exporters
// (sonde push, OTLP). Histograms carry their exponential sketch as a native
// HistogramSample; summaries their quantiles.
import { Counter } from './counter.js';
import { Gauge } from './gauge.js';
import { Histogram } from './histogram.js';
import type { Registry } from './registry.js';
import type { HistogramSample } from './sketch/exponential.js';
import { Summary } from './summary.js';

export interface SeriesSnapshot {
  /** Series labels with registry default labels applied (no __name__). */
  readonly labels: Record<string, string>;
  /** Counter and gauge value. */
  readonly value?: number;
  /** Histogram: the sketch (absolute counts), and its min/max when known. */
  readonly histogram?: HistogramSample;
  readonly min?: number;
  readonly max?: number;
  /** Summary: count, sum and quantiles. */
  readonly count?: number;
  readonly sum?: number;
  readonly quantiles?: readonly (readonly [number, number])[];
}

export interface MetricSnapshot {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary';
  readonly unit: string;
  readonly series: readonly SeriesSnapshot[];
}

/** Runs the collect callbacks, then copies every metric of the registry. */
export async function snapshotRegistry(registry: Registry): Promise<MetricSnapshot[]> {
  await registry.collectAll();
  const defaults = registry.getDefaultLabels();
  const hasDefaults = Object.keys(defaults).length > 0;
  const labelsOf = (own: Record<string, string>) => (hasDefaults ? { ...defaults, ...own } : { ...own });
  const out: MetricSnapshot[] = [];
  for (const m of registry.getMetricsAsArray()) {
    const series: SeriesSnapshot[] = [];
    if (m instanceof Counter || m instanceof Gauge) {
      for (const s of m.series) series.push({ labels: labelsOf(s.labels), value: s.value });
    } else if (m instanceof Histogram) {
      for (const s of m.series) {
        const sk = s.sketch;
        series.push({
          labels: labelsOf(s.labels),
          histogram: sk.toHistogramSample(),
          ...(sk.count > 0 ? { min: sk.min, max: sk.max } : {}),
        });
      }
    } else if (m instanceof Summary) {
      for (const s of m.series) {
        const w = s.window();
        series.push({
          labels: labelsOf(s.labels),
          count: s.count,
          sum: s.sum,
          quantiles: m.percentiles.map((q) => [q, w.quantile(q)] as const),
        });
      }
    }
    out.push({ name: m.name, help: m.help, type: m.type, unit: m.unit, series });
  }
  return out;
}
