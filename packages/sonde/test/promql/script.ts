// A small PromQL test-script language in the style of Prometheus's promqltest:
//
//   load 1m                          samples every 1m from t=0
//     metric{a="b"} 0+10x5 _ stale 7 NaN Inf
//   eval instant at 5m sum(metric)   one instant query ...
//     {} 50                          ... and every sample it must return
//   eval range from 0 to 4m step 1m rate(metric[2m])
//     {a="b"} _ 0.16 0.16 0.16 0.16  one value per step (_ = none)
//   eval_ordered instant at 5m sort(metric)   order matters
//   eval_fail instant at 5m foo(     must fail (optionally `expected_fail_regexp <re>` on the next line)
//   clear                            empty the store
//
// Values: a number, Inf, -Inf, NaN, `_` (missing), `stale`, or `a+bxN` / `a-bxN`
// (N+1 values from a stepping by b), `_xN` (N+1 missing).
import { MemoryStorage, STALE_NAN, isStaleNaN } from '../../src/storage/index.js';
import { createQueryEngine } from '../../src/query/index.js';
import type { Labels } from '../../src/storage/types.js';
import { parseDurationMs } from '../../src/query/parser/lex.js';
import { unquote } from '../../src/query/parser/lex.js';

export type Val = number | null | 'stale';

export interface ExpectedSeries {
  labels: Labels | null; // null: a scalar
  values: Val[];
}

export type Command =
  | { kind: 'load'; intervalMs: number; series: { labels: Labels; values: Val[] }[]; line: number }
  | { kind: 'clear'; line: number }
  | {
      kind: 'eval';
      line: number;
      ordered: boolean;
      fail: boolean;
      failRegexp: RegExp | null;
      instant: boolean;
      startMs: number;
      endMs: number;
      stepMs: number;
      expr: string;
      expected: ExpectedSeries[];
    };

function duration(text: string, line: number): number {
  if (/^-?\d+$/.test(text)) return Number(text) * 1000;
  const neg = text.startsWith('-');
  const ms = parseDurationMs(neg ? text.slice(1) : text);
  if (ms === null) throw new Error(`line ${line}: bad duration ${text}`);
  return neg ? -ms : ms;
}

function parseNum(s: string, line: number): number {
  const l = s.toLowerCase();
  if (l === 'inf' || l === '+inf') return Infinity;
  if (l === '-inf') return -Infinity;
  if (l === 'nan') return Number.NaN;
  const v = Number(s);
  if (s === '' || Number.isNaN(v)) throw new Error(`line ${line}: bad value ${s}`);
  return v;
}

export function expandValues(tokens: string[], line: number): Val[] {
  const out: Val[] = [];
  for (const tok of tokens) {
    if (tok === '_') out.push(null);
    else if (tok === 'stale') out.push('stale');
    else if (/^_x\d+$/.test(tok)) for (let i = 0; i <= Number(tok.slice(2)); i++) out.push(null);
    else {
      const m = /^(-?[^+\-x]+|-?Inf)([+-])([^x]+)x(\d+)$/i.exec(tok);
      if (m) {
        const a = parseNum(m[1], line);
        const b = parseNum(m[3], line) * (m[2] === '-' ? -1 : 1);
        for (let i = 0; i <= Number(m[4]); i++) out.push(a + b * i);
      } else out.push(parseNum(tok, line));
    }
  }
  return out;
}

/** `name{a="b"} rest` → labels and the rest of the line. */
export function parseSeriesLine(text: string, line: number): { labels: Labels | null; rest: string } {
  if (/^[-+]?(inf|nan|[0-9.]+(e[-+]?\d+)?)$/i.test(text)) return { labels: null, rest: text };
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)?(\{.*?\})?(?:\s+|$)(.*)$/.exec(text);
  if (!m || (!m[1] && !m[2])) return { labels: null, rest: text };
  const labels: Record<string, string> = {};
  if (m[1]) labels.__name__ = m[1];
  if (m[2]) {
    const body = m[2].slice(1, -1);
    const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*("(?:[^"\\]|\\.)*")\s*,?/gy;
    let pos = 0;
    while (pos < body.length) {
      re.lastIndex = pos;
      const lm = re.exec(body);
      if (!lm) throw new Error(`line ${line}: bad labels ${m[2]}`);
      labels[lm[1]] = unquote(lm[2]);
      pos = re.lastIndex;
    }
  }
  return { labels, rest: m[3] };
}

export function parseScript(text: string): Command[] {
  const lines = text.split('\n');
  const cmds: Command[] = [];
  let i = 0;
  const body = (): { text: string; line: number }[] => {
    const out: { text: string; line: number }[] = [];
    while (i < lines.length && /^\s+\S/.test(lines[i]) && !/^\s*#/.test(lines[i])) {
      out.push({ text: lines[i].trim(), line: i + 1 });
      i++;
    }
    return out;
  };
  while (i < lines.length) {
    const raw = lines[i];
    const line = i + 1;
    i++;
    const t = raw.trim();
    if (t === '' || t.startsWith('#')) continue;
    if (t === 'clear') {
      cmds.push({ kind: 'clear', line });
      continue;
    }
    let m = /^load\s+(\S+)$/.exec(t);
    if (m) {
      const intervalMs = duration(m[1], line);
      const series = body().map((b) => {
        const { labels, rest } = parseSeriesLine(b.text, b.line);
        if (!labels) throw new Error(`line ${b.line}: series expected`);
        return { labels, values: expandValues(rest.split(/\s+/).filter(Boolean), b.line) };
      });
      cmds.push({ kind: 'load', intervalMs, series, line });
      continue;
    }
    m =
      /^(eval|eval_ordered|eval_fail)\s+(?:instant\s+at\s+(\S+)|range\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+))\s+(.+)$/.exec(
        t,
      );
    if (m) {
      const instant = m[2] !== undefined;
      const startMs = duration(instant ? m[2] : m[3], line);
      const endMs = instant ? startMs : duration(m[4], line);
      const stepMs = instant ? 1 : duration(m[5], line);
      const lines2 = body();
      let failRegexp: RegExp | null = null;
      const expected: ExpectedSeries[] = [];
      for (const b of lines2) {
        const fm = /^expected_fail_regexp\s+(.*)$/.exec(b.text);
        if (fm) {
          failRegexp = new RegExp(fm[1]);
          continue;
        }
        const { labels, rest } = parseSeriesLine(b.text, b.line);
        expected.push({ labels, values: expandValues(rest.split(/\s+/).filter(Boolean), b.line) });
      }
      cmds.push({
        kind: 'eval',
        line,
        ordered: m[1] === 'eval_ordered',
        fail: m[1] === 'eval_fail',
        failRegexp,
        instant,
        startMs,
        endMs,
        stepMs,
        expr: m[6],
        expected,
      });
      continue;
    }
    throw new Error(`line ${line}: cannot read ${JSON.stringify(t)}`);
  }
  return cmds;
}

function labelsText(l: Labels): string {
  const keys = Object.keys(l).sort();
  return `{${keys.map((k) => `${k}=${JSON.stringify(l[k])}`).join(', ')}}`;
}

function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b));
}

/** Runs a script; returns one message per failed expectation (empty: all passed). */
export async function runScript(text: string, name = 'script'): Promise<string[]> {
  const failures: string[] = [];
  let storage = new MemoryStorage();
  for (const cmd of parseScript(text)) {
    const where = `${name}:${cmd.line}`;
    if (cmd.kind === 'clear') {
      storage = new MemoryStorage();
      continue;
    }
    if (cmd.kind === 'load') {
      const app = storage.appender();
      for (const s of cmd.series) {
        s.values.forEach((v, i) => {
          if (v === null) return;
          app.append(s.labels, i * cmd.intervalMs, v === 'stale' ? STALE_NAN : v);
        });
      }
      await app.commit();
      continue;
    }
    const engine = createQueryEngine(storage);
    let result: Awaited<ReturnType<typeof engine.instant>>;
    try {
      result = cmd.instant
        ? await engine.instant(cmd.expr, cmd.startMs)
        : await engine.range(cmd.expr, cmd.startMs, cmd.endMs, cmd.stepMs);
    } catch (err) {
      if (!cmd.fail) failures.push(`${where}: ${cmd.expr}: unexpected error: ${(err as Error).message}`);
      else if (cmd.failRegexp && !cmd.failRegexp.test((err as Error).message))
        failures.push(
          `${where}: ${cmd.expr}: error ${JSON.stringify((err as Error).message)} does not match ${cmd.failRegexp}`,
        );
      continue;
    }
    if (cmd.fail) {
      failures.push(`${where}: ${cmd.expr}: expected an error, got a result`);
      continue;
    }
    // Normalise the result to series of per-step values.
    const steps = cmd.instant ? 1 : Math.floor((cmd.endMs - cmd.startMs) / cmd.stepMs) + 1;
    const got: { labels: Labels | null; values: Val[] }[] = [];
    if (result.type === 'scalar') got.push({ labels: null, values: [result.v] });
    else if (result.type === 'vector')
      for (const s of result.samples) got.push({ labels: s.labels, values: [s.v] });
    else if (result.type === 'matrix') {
      for (const s of result.series) {
        if (cmd.instant) {
          got.push({ labels: s.labels, values: Array.from(s.v) });
          continue;
        }
        const values: Val[] = new Array(steps).fill(null);
        for (let k = 0; k < s.t.length; k++) values[Math.round((s.t[k] - cmd.startMs) / cmd.stepMs)] = s.v[k];
        got.push({ labels: s.labels, values });
      }
    } else got.push({ labels: null, values: [Number.NaN] });
    const problems: string[] = [];
    const used = new Set<number>();
    cmd.expected.forEach((exp, ei) => {
      const idx = got.findIndex(
        (g, gi) =>
          !used.has(gi) &&
          (exp.labels === null
            ? g.labels === null
            : g.labels !== null && labelsText(g.labels) === labelsText(exp.labels)),
      );
      if (idx < 0) {
        problems.push(`missing ${exp.labels ? labelsText(exp.labels) : 'scalar'}`);
        return;
      }
      if (cmd.ordered && idx !== ei)
        problems.push(`${labelsText(exp.labels ?? {})} at position ${idx}, expected ${ei}`);
      used.add(idx);
      const g = got[idx];
      const n = Math.max(exp.values.length, g.values.length);
      for (let k = 0; k < n; k++) {
        const e = exp.values[k] ?? null;
        const a = g.values[k] ?? null;
        const ok =
          e === null || a === null || e === 'stale' || a === 'stale'
            ? e === a || (e === 'stale' && typeof a === 'number' && isStaleNaN(a))
            : close(e, a);
        if (!ok) {
          problems.push(
            `${exp.labels ? labelsText(exp.labels) : 'scalar'} value ${k}: expected ${e}, got ${a}`,
          );
          break;
        }
      }
    });
    got.forEach((g, gi) => {
      if (!used.has(gi))
        problems.push(`unexpected ${g.labels ? labelsText(g.labels) : 'scalar'} ${g.values.join(' ')}`);
    });
    if (problems.length) failures.push(`${where}: ${cmd.expr}:\n    ${problems.join('\n    ')}`);
  }
  return failures;
}
