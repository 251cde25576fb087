// The SDK's own counts of what it repaired or ignored at run time, so that
// "ignored and counted" is visible where the app's metrics are.
import { Counter } from '../counter.js';
import { sdkStats } from '../validation.js';
import type { RuntimeContext } from './options.js';

export function sdkMetrics(ctx: RuntimeContext): void {
  const { prefix, labels, labelNames, registers } = ctx;
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name: prefix + name,
      help,
      labelNames,
      registers,
      collect() {
        // process-wide totals: mirror them rather than accumulate
        this.reset();
        this.inc(labels, read());
      },
    });
  counter(
    'sonde_sdk_invalid_values_total',
    'Observations, increments or sets ignored because the value was NaN, infinite or not a number.',
    () => sdkStats.invalidValues,
  );
  counter(
    'sonde_sdk_repaired_label_values_total',
    'Label values truncated or re-encoded to stay bounded, valid UTF-8.',
    () => sdkStats.repairedLabelValues,
  );
  counter(
    'sonde_sdk_overflowed_series_total',
    'Uses of a label set folded into an overflow="true" series by the cardinality guard.',
    () => sdkStats.overflowedSeries,
  );
}
