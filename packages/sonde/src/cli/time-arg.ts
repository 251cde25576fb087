// Times on the command line, as people write them: RFC 3339, Unix seconds,
// `now`, or relative to now (`-1h`, `-30m`, `-2d`, `now-1h`).
import { parseDuration } from '../config/duration.js';

export function parseTimeArg(text: string, nowMs: number = Date.now()): number {
  const s = text.trim();
  if (s === 'now') return nowMs;
  const rel = /^(?:now)?([+-])(.+)$/.exec(s);
  if (rel && !/^\d{4}-/.test(s)) {
    const ms = parseDuration(rel[2]);
    return rel[1] === '-' ? nowMs - ms : nowMs + ms;
  }
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const parsed = Date.parse(s);
  if (/^\d{4}-\d{2}-\d{2}/.test(s) && Number.isFinite(parsed)) return parsed;
  throw new RangeError(
    `cannot read "${text}" as a time: use RFC 3339 (2026-11-22T10:00:00Z), Unix seconds, "now", or a relative time like -1h`,
  );
}

/** A window written START..END, e.g. `-2h..-1h` or `2026-11-20T00:00:00Z..2026-11-21T00:00:00Z`. */
export function parseWindowArg(text: string, nowMs: number = Date.now()): { startMs: number; endMs: number } {
  const parts = text.split('..');
  if (parts.length !== 2)
    throw new RangeError(`cannot read "${text}" as a window: write START..END, e.g. -2h..-1h`);
  const startMs = parseTimeArg(parts[0], nowMs);
  const endMs = parseTimeArg(parts[1], nowMs);
  if (endMs <= startMs) throw new RangeError(`window "${text}" ends before it starts`);
  return { startMs, endMs };
}
