// Node.js and V8 version info.
import { Gauge } from '../gauge.js';
import type { RuntimeContext } from './options.js';

export function versionMetrics(ctx: RuntimeContext): void {
  const { prefix, labels, labelNames, registers } = ctx;
  const [major, minor, patch] = process.version.slice(1).split('.').map(Number);
  new Gauge({
    name: prefix + 'nodejs_version_info',
    help: 'Node.js version info.',
    labelNames: ['version', 'major', 'minor', 'patch', ...labelNames],
    registers,
    aggregator: 'first',
    collect() {
      this.set({ version: process.version, major, minor, patch, ...labels }, 1);
    },
  });
  new Gauge({
    name: prefix + 'nodejs_v8_version_info',
    help: 'V8 engine version info.',
    labelNames: ['version', ...labelNames],
    registers,
    aggregator: 'first',
    collect() {
      this.set({ version: process.versions.v8, ...labels }, 1);
    },
  });
}
