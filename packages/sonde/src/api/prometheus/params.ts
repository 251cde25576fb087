// Request parameters as Prometheus's API reads them: form values from the
// query string and a form-encoded body, timestamps (unix seconds or RFC3339,
// plus relative "now"/"-1h" for people), and durations (seconds or "5m").
import { parseDurationMs } from '../../query/parser/lex.js';

export class ParamError extends Error {}

export type Params = Record<string, string | string[] | undefined>;

/** Parses an application/x-www-form-urlencoded body; repeated keys become arrays. */
export function parseForm(body: string): Params {
  const out: Params = {};
  for (const [k, v] of new URLSearchParams(body)) {
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else out[k] = [prev, v];
  }
  return out;
}

/** Query-string and body parameters together; the body's single values win, lists concatenate. */
export function mergeParams(query: unknown, body: unknown): Params {
  const out: Params = {};
  const add = (src: unknown, override: boolean) => {
    if (!src || typeof src !== 'object') return;
    for (const [k, v] of Object.entries(src as Record<string, unknown>)) {
      if (v === undefined) continue;
      const val = Array.isArray(v) ? v.map(String) : String(v);
      const prev = out[k];
      if (prev !== undefined && (k.endsWith('[]') || Array.isArray(prev) || Array.isArray(val))) {
        out[k] = [...(Array.isArray(prev) ? prev : [prev]), ...(Array.isArray(val) ? val : [val])];
      } else if (prev === undefined || override) out[k] = val;
    }
  };
  add(query, false);
  add(body, true);
  return out;
}

export function single(p: Params, name: string): string | undefined {
  const v = p[name];
  return Array.isArray(v) ? v[0] : v;
}

export function list(p: Params, name: string): string[] {
  const v = p[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

const MIN_TIME = -9223372036854; // Prometheus's minimum representable time, in seconds.
const MAX_TIME = 9223372036854;
/** Prometheus durations are int64 nanoseconds: past ~292 years they do not parse. */
const MAX_DURATION_MS = 9_223_372_036_854;

/** A Prometheus duration in ms, or null when it does not parse or overflows. */
function boundedDurationMs(text: string): number | null {
  const d = parseDurationMs(text);
  return d !== null && Math.abs(d) <= MAX_DURATION_MS ? d : null;
}

/** A timestamp parameter in ms: unix seconds (fractional ok), RFC3339, "now", or "-1h"-style relative to now. */
export function parseTimeMs(text: string, nowMs = Date.now()): number {
  const s = text.trim();
  if (s === 'now') return nowMs;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    const sec = Number(s);
    if (Number.isFinite(sec)) return Math.round(Math.min(MAX_TIME, Math.max(MIN_TIME, sec)) * 1000);
  }
  const rel = /^(?:now)?([+-])(\w+)$/.exec(s);
  if (rel) {
    const d = boundedDurationMs(rel[2]);
    if (d !== null) return rel[1] === '-' ? nowMs - d : nowMs + d;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s)) {
    const ms = Date.parse(s);
    if (Number.isFinite(ms)) return ms;
  }
  throw new ParamError(`cannot parse ${JSON.stringify(text)} to a valid timestamp`);
}

/** A duration parameter in ms: seconds (fractional ok) or a Prometheus duration like "1m30s". */
export function parseDurationParamMs(text: string): number {
  const s = text.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    const sec = Number(s);
    if (Number.isFinite(sec)) {
      const ms = Math.round(sec * 1000);
      if (Math.abs(ms) < 9.2e18) return ms;
    }
    throw new ParamError(`cannot parse ${JSON.stringify(text)} to a valid duration. It overflows int64`);
  }
  const d = boundedDurationMs(s);
  if (d !== null) return d;
  throw new ParamError(`cannot parse ${JSON.stringify(text)} to a valid duration`);
}
