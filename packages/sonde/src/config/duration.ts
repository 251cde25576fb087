// Prometheus-style durations ("1h30m", "15s", "90d") to milliseconds.
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

const PART = /(\d+)(ms|s|m|h|d|w|y)/y;

export function parseDuration(text: string): number {
  if (text === '') throw new RangeError('empty duration');
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const m = PART.exec(text);
    if (!m)
      throw new RangeError(
        `invalid duration "${text}" at "${text.slice(start)}": use e.g. 500ms, 15s, 5m, 1h, 90d`,
      );
    total += Number(m[1]) * UNIT_MS[m[2]];
  }
  return total;
}
