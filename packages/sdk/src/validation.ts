// Name and label validation. Definition-time problems (a bad metric or label
// name, a reserved label, a wrong option type) throw a TypeError naming the
// metric; run-time problems (a bad label value, a NaN observation) never
// throw: they are repaired or ignored, and counted in `sdkStats`.

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Longest label value kept; longer values are truncated (and counted). */
export const MAX_LABEL_VALUE_LENGTH = 1024;

/** True when `name` is a valid Prometheus metric name (prom-client's `validateMetricName`). */
export function validateMetricName(name: string): boolean {
  return typeof name === 'string' && METRIC_NAME.test(name);
}

/** True when every name is a valid Prometheus label name. */
export function validateLabelName(names: readonly string[] = []): boolean {
  return names.every((n) => typeof n === 'string' && LABEL_NAME.test(n));
}

export function assertMetricName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`metric name must be a non-empty string, got ${describe(name)}`);
  }
  if (!METRIC_NAME.test(name)) {
    throw new TypeError(`invalid metric name "${name}": must match ${METRIC_NAME.source}`);
  }
}

export function assertLabelNames(metric: string, names: unknown, reserved: readonly string[] = []): string[] {
  if (names === undefined || names === null) return [];
  if (!Array.isArray(names)) {
    throw new TypeError(`metric "${metric}": labelNames must be an array of strings, got ${describe(names)}`);
  }
  const seen = new Set<string>();
  for (const n of names) {
    if (typeof n !== 'string' || !LABEL_NAME.test(n)) {
      throw new TypeError(
        `metric "${metric}": invalid label name ${describe(n)}: must match ${LABEL_NAME.source}`,
      );
    }
    if (n.startsWith('__')) {
      throw new TypeError(
        `metric "${metric}": label name "${n}" is reserved (names starting with "__" are internal)`,
      );
    }
    if (reserved.includes(n)) {
      throw new TypeError(`metric "${metric}": "${n}" is a reserved label keyword for this metric type`);
    }
    if (seen.has(n)) throw new TypeError(`metric "${metric}": label name "${n}" is listed twice`);
    seen.add(n);
  }
  return [...names];
}

export function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

/** What the SDK had to repair or ignore at run time, by reason. Never reset. */
export const sdkStats = {
  /** NaN/±Inf/non-number observations or increments that were ignored. */
  invalidValues: 0,
  /** Label values truncated or re-encoded (lone surrogates) to stay valid UTF-8 of bounded length. */
  repairedLabelValues: 0,
  /** Label sets folded into an overflow="true" series by the cardinality guard. */
  overflowedSeries: 0,
};

/** The label value as stored: a string, bounded, well-formed UTF-16 (so valid UTF-8). */
export function normalizeLabelValue(v: unknown): string {
  let s = typeof v === 'string' ? v : String(v);
  if (s.length > MAX_LABEL_VALUE_LENGTH) {
    s = s.slice(0, MAX_LABEL_VALUE_LENGTH);
    sdkStats.repairedLabelValues++;
  }
  if (!s.isWellFormed()) {
    s = s.toWellFormed();
    sdkStats.repairedLabelValues++;
  }
  return s;
}
