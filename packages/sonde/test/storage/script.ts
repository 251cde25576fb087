// A small script language for storage tests, after Prometheus's promql test
// files: data in, operations, and the exact answers expected, readable as a
// specification. Runs against the embedded store (and optionally the
// MemoryStorage reference).
//
//   open ooo=5m                     (re)open the store in the same directory
//   crash                           abandon the store without closing (as kill -9 would)
//   clock 30d                       set the injected clock
//   load 10s                        one line per series: values at 0, 10s, 20s …
//     up{job="a"} 1 2 _ 4 stale     _ skips a step; 1+2x3 expands to 1 3 5 7
//   append up{job="a"} 35s 9        queue one sample (committed by `commit`)
//   commit accepted=1 duplicate=0   commit and check counts (omitted ones unchecked)
//   eval {job="a"} 0 1m             select [from, to] and expect exactly:
//     up{job="a"} 0:1 10s:2
//   rollup 1m up 0 5m               selectRollup, expecting t:count/sum/min/max/last/increase
//     up{job="a"} 1m:6/21/1/6/6/5
//   delete up{job="a"} [from to]    deleteSeries
//   flush | maintain | compact      run them now
//   names [selector] [from to]  /  values NAME [selector] [from to]
//                                   expect the listed strings on the next line
import assert from 'node:assert/strict';
import { isStaleNaN, STALE_NAN, labelsKey } from '../../src/storage/labels.js';
import { type EmbeddedStorage, openStorage } from '../../src/storage/db.js';
import type { Appender, AppendResult, Labels, Matcher } from '../../src/storage/types.js';

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  y: 365 * 86_400_000,
};

export function duration(s: string): number {
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  let total = 0;
  const neg = s.startsWith('-');
  for (const m of (neg ? s.slice(1) : s).matchAll(/(\d+)(ms|s|m|h|d|y)/g))
    total += Number(m[1]) * UNITS[m[2]];
  if (total === 0 && !/^-?0/.test(s)) throw new Error(`bad duration ${s}`);
  return neg ? -total : total;
}

/** `name{a="x",b=~"y"}` → matchers; also the label set when every matcher is `=`. */
export function parseSelector(src: string): { matchers: Matcher[]; labels: Labels } {
  const m = /^([a-zA-Z_:][\w:]*)?(?:\{(.*)\})?$/.exec(src.trim());
  if (!m) throw new Error(`bad selector ${src}`);
  const matchers: Matcher[] = [];
  const labels: Record<string, string> = {};
  if (m[1]) {
    matchers.push({ type: '=', name: '__name__', value: m[1] });
    labels.__name__ = m[1];
  }
  for (const part of (m[2] ?? '').matchAll(/\s*(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*,?/g)) {
    const value = part[3].replace(/\\(.)/g, '$1');
    matchers.push({ type: part[2] as Matcher['type'], name: part[1], value });
    if (part[2] === '=') labels[part[1]] = value;
  }
  return { matchers, labels };
}

function value(tok: string): number {
  if (tok === 'stale') return STALE_NAN;
  if (tok === 'NaN') return Number.NaN;
  if (tok === 'Inf' || tok === '+Inf') return Number.POSITIVE_INFINITY;
  if (tok === '-Inf') return Number.NEGATIVE_INFINITY;
  if (tok === '-0') return -0;
  const n = Number(tok);
  if (Number.isNaN(n)) throw new Error(`bad value ${tok}`);
  return n;
}

/** Expands `1+2x3` → 1 3 5 7, `_` → undefined. */
export function expandValues(toks: string[]): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  for (const tok of toks) {
    const m = /^(-?[\d.e]+)([+-])([\d.e]+)x(\d+)$/.exec(tok);
    if (tok === '_') out.push(undefined);
    else if (m) {
      const [a, sign, b, n] = [Number(m[1]), m[2], Number(m[3]), Number(m[4])];
      for (let i = 0; i <= n; i++) out.push(sign === '+' ? a + b * i : a - b * i);
    } else out.push(value(tok));
  }
  return out;
}

function fmtLabels(l: Labels): string {
  const name = l.__name__ ?? '';
  const rest = Object.keys(l)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}="${l[k]}"`);
  return rest.length ? `${name}{${rest.join(',')}}` : name;
}

function fmtValue(v: number): string {
  if (isStaleNaN(v)) return 'stale';
  if (Object.is(v, -0)) return '-0';
  if (v === Number.POSITIVE_INFINITY) return 'Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

function splitSelectorAndRest(line: string): [string, string[]] {
  // a selector may hold spaces inside {...}
  let depth = 0;
  let i = 0;
  for (; i < line.length; i++) {
    if (line[i] === '{') depth++;
    else if (line[i] === '}') depth--;
    else if (line[i] === ' ' && depth === 0) break;
  }
  return [line.slice(0, i), line.slice(i).trim().split(/\s+/).filter(Boolean)];
}

export interface ScriptContext {
  dir: string;
  db: EmbeddedStorage | null;
  now: number;
  ooo: number;
}

/** Runs a script; throws an assertion error naming the line that failed. */
export async function runScript(dir: string, script: string): Promise<ScriptContext> {
  const ctx: ScriptContext = { dir, db: null, now: 0, ooo: 5 * 60_000 };
  const lines = script.split('\n').map((l) => l.replace(/#.*$/, '').trimEnd());
  let app: Appender | null = null;
  const open = async () => {
    ctx.db = await openStorage({
      dir,
      now: () => ctx.now,
      outOfOrderWindowMs: ctx.ooo,
      maintenanceIntervalMs: 0,
    });
    app = ctx.db.appender();
  };
  const db = () => {
    if (!ctx.db) throw new Error('no store open');
    return ctx.db;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const [cmd, ...args] = line.split(/\s+/);
    const block: string[] = [];
    while (i + 1 < lines.length && /^\s+\S/.test(lines[i + 1]) && !/^\s*#/.test(lines[i + 1])) {
      block.push(lines[++i].trim());
    }
    const where = `script line ${i + 1 - block.length}: ${line}`;
    try {
      switch (cmd) {
        case 'open':
          for (const a of args) if (a.startsWith('ooo=')) ctx.ooo = duration(a.slice(4));
          if (ctx.db) await ctx.db.close();
          await open();
          break;
        case 'crash':
          ctx.db = null; // abandoned: nothing flushed, nothing checkpointed
          await open();
          break;
        case 'clock':
          ctx.now = duration(args[0]);
          break;
        case 'load': {
          const step = duration(args[0]);
          const a = db().appender();
          for (const row of block) {
            const [sel, toks] = splitSelectorAndRest(row);
            const { labels } = parseSelector(sel);
            const vals = expandValues(toks);
            for (let k = 0; k < vals.length; k++) {
              const v = vals[k];
              if (v !== undefined) a.append(labels, k * step, v);
            }
          }
          await a.commit();
          break;
        }
        case 'append': {
          const [sel, rest] = splitSelectorAndRest(args.join(' '));
          app!.append(parseSelector(sel).labels, duration(rest[0]), value(rest[1]));
          break;
        }
        case 'commit': {
          const r = await app!.commit();
          for (const a of args) {
            const [k, v] = a.split('=');
            assert.equal(r[k as keyof AppendResult], Number(v), `${k} in ${JSON.stringify(r)}`);
          }
          break;
        }
        case 'eval': {
          const [sel, range] = splitSelectorAndRest(args.join(' '));
          const q = db().querier();
          const got = [...q.select(parseSelector(sel).matchers, duration(range[0]), duration(range[1]))]
            .map((s) =>
              `${fmtLabels(s.labels)} ${Array.from(s.t, (t, k) => `${t}:${fmtValue(s.v[k])}`).join(' ')}`.trim(),
            )
            .sort();
          q.close();
          const want = block
            .map((b) => {
              const [s, pts] = splitSelectorAndRest(b);
              const pretty = fmtLabels(parseSelector(s).labels);
              return `${pretty} ${pts.map((p) => `${duration(p.split(':')[0])}:${fmtValue(value(p.split(':')[1]))}`).join(' ')}`.trim();
            })
            .sort();
          assert.deepEqual(got, want);
          break;
        }
        case 'rollup': {
          const tier = args[0] as '1m' | '1h';
          const [sel, range] = splitSelectorAndRest(args.slice(1).join(' '));
          const q = db().querier();
          const got = [
            ...q.selectRollup(parseSelector(sel).matchers, duration(range[0]), duration(range[1]), tier),
          ]
            .map(
              (r) =>
                `${fmtLabels(r.labels)} ${Array.from(
                  r.t,
                  (t, k) =>
                    `${t}:${r.count[k]}/${r.sum[k]}/${r.min[k]}/${r.max[k]}/${r.last[k]}/${r.increase[k]}`,
                ).join(' ')}`,
            )
            .sort();
          q.close();
          const want = block
            .map((b) => {
              const [s, pts] = splitSelectorAndRest(b);
              const conv = pts.map((p) => `${duration(p.split(':')[0])}:${p.split(':')[1]}`);
              return `${fmtLabels(parseSelector(s).labels)} ${conv.join(' ')}`;
            })
            .sort();
          assert.deepEqual(got, want);
          break;
        }
        case 'delete': {
          const [sel, range] = splitSelectorAndRest(args.join(' '));
          const r = range.length ? [duration(range[0]), duration(range[1])] : [];
          await db().deleteSeries(parseSelector(sel).matchers, ...r);
          break;
        }
        case 'flush':
          await db().flush();
          break;
        case 'maintain':
          await db().maintain();
          break;
        case 'compact':
          await db().compact();
          break;
        case 'names':
        case 'values': {
          const q = db().querier();
          const name = cmd === 'values' ? args[0] : '';
          const rest = (cmd === 'values' ? args.slice(1) : args).join(' ');
          // an optional selector, then an optional window: [selector] [from to]
          const [selSrc, window] = /^[\d-]/.test(rest) ? ['', rest.split(/\s+/)] : splitSelectorAndRest(rest);
          const matchers = selSrc ? parseSelector(selSrc).matchers : undefined;
          const [mint, maxt] = window.length === 2 ? window.map(duration) : [undefined, undefined];
          const got =
            cmd === 'names' ? q.labelNames(matchers, mint, maxt) : q.labelValues(name, matchers, mint, maxt);
          q.close();
          assert.deepEqual(got, block.join(' ').split(/\s+/).filter(Boolean));
          break;
        }
        default:
          throw new Error(`unknown command ${cmd}`);
      }
    } catch (err) {
      (err as Error).message = `${where}\n${(err as Error).message}`;
      throw err;
    }
  }
  return ctx;
}

export { labelsKey };
