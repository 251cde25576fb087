// Prometheus text exposition format 0.0.4.
import type { ExpositionFamily, FamilyType } from './families.js';
import { braces, escapeHelp, formatLabelPairs, formatValue } from './format.js';

function textType(t: FamilyType): string {
  if (t === 'gaugehistogram') return 'histogram';
  if (t === 'info' || t === 'stateset') return 'gauge';
  if (t === 'unknown') return 'untyped';
  return t;
}

/** Prometheus text format 0.0.4. */
export function writeText(families: Iterable<ExpositionFamily>): string {
  let out = '';
  for (const f of families) {
    out +=
      '# HELP ' + f.name + ' ' + escapeHelp(f.help) + '\n# TYPE ' + f.name + ' ' + textType(f.type) + '\n';
    for (const s of f.samples) {
      out +=
        (s.name ?? f.name) + braces(s.labels ? formatLabelPairs(s.labels) : '') + ' ' + formatValue(s.value);
      if (s.timestampMs !== undefined) out += ' ' + Math.round(s.timestampMs);
      out += '\n';
    }
  }
  return out;
}
