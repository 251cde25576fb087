// OpenMetrics 1.0 text exposition.
import type { ExpositionFamily, FamilyType } from './families.js';
import { braces, escapeHelpOpenMetrics, formatLabelPairs, formatValue } from './format.js';

/** The OpenMetrics family name: counters lose their `_total`. */
export function openMetricsFamilyName(name: string, type: FamilyType): string {
  return type === 'counter' && name.endsWith('_total') ? name.slice(0, -6) : name;
}

/** OpenMetrics 1.0 text, ending with `# EOF`. */
export function writeOpenMetrics(families: Iterable<ExpositionFamily>): string {
  let out = '';
  for (const f of families) {
    const name = openMetricsFamilyName(f.name, f.type);
    out += '# TYPE ' + name + ' ' + f.type + '\n';
    if (f.unit) out += '# UNIT ' + name + ' ' + f.unit + '\n';
    out += '# HELP ' + name + ' ' + escapeHelpOpenMetrics(f.help) + '\n';
    const defaultName = f.type === 'counter' ? name + '_total' : name;
    for (const s of f.samples) {
      out +=
        (s.name ?? defaultName) +
        braces(s.labels ? formatLabelPairs(s.labels) : '') +
        ' ' +
        formatValue(s.value);
      if (s.timestampMs !== undefined) out += ' ' + (s.timestampMs / 1000).toFixed(3);
      out += '\n';
    }
  }
  return out + '# EOF\n';
}
