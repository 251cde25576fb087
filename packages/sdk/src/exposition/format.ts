// The small pieces every writer shares: escaping and number formatting for the
// Prometheus text format 0.0.4 and OpenMetrics 1.0.

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

const LABEL_ESCAPE = /[\\"\n]/;

/** A label value escaped for both formats: backslash, double quote, newline. */
export function escapeLabelValue(v: string): string {
  if (!LABEL_ESCAPE.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text for text 0.0.4: backslash and newline escaped. */
export function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** HELP text for OpenMetrics: backslash, newline and double quote escaped. */
export function escapeHelpOpenMetrics(v: string): string {
  return escapeLabelValue(v);
}

/** A sample value: Go-parsable float, NaN, +Inf, -Inf. */
export function formatValue(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Number.isNaN(v)) return 'NaN';
  return '' + v;
}

/** `a="x",b="y"` for the given label pairs (no braces), in the order given. */
export function formatLabelPairs(labels: Readonly<Record<string, string | number | undefined>>): string {
  let out = '';
  for (const k in labels) {
    const v = labels[k];
    if (v === undefined) continue;
    if (out !== '') out += ',';
    out += k + '="' + escapeLabelValue(typeof v === 'string' ? v : String(v)) + '"';
  }
  return out;
}

/** Joins two label-pair strings (either may be empty). */
export function joinPairs(a: string, b: string): string {
  return a === '' ? b : b === '' ? a : a + ',' + b;
}

/** `{pairs}` or '' when there are none. */
export function braces(pairs: string): string {
  return pairs === '' ? '' : '{' + pairs + '}';
}
