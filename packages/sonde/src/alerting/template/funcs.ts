// The functions a rule template can call: Go's text/template built-ins and
// Prometheus's template functions (template/template.go), same names, same output.
import { parseDuration } from '../../config/duration.js';
import type { ExecContext, TemplateFunc } from './exec.js';
import { truthy } from './exec.js';
import { formatFloat, formatG, formatValue, sprintf } from './gofmt.js';
import { TemplateError } from './parse.js';

/** One sample of a `query` result as templates see it (Prometheus's template sample). */
export interface TemplateSample {
  readonly Labels: Map<string, string>;
  readonly Value: number;
}

function toFloat(x: unknown, fn: string): number {
  if (typeof x === 'number') return x;
  if (typeof x === 'boolean') return x ? 1 : 0;
  if (typeof x === 'string') {
    const t = x.trim();
    const n = /^[+-]?(inf|infinity)$/i.test(t) ? (t.startsWith('-') ? -Infinity : Infinity) : Number(t);
    if (t !== '' && !Number.isNaN(n)) return n;
    if (/^nan$/i.test(t)) return NaN;
  }
  throw new Error(`${fn}: can't convert ${formatValue(x)} to float`);
}

function arity(name: string, args: unknown[], n: number): void {
  if (args.length !== n) throw new Error(`wrong number of args for ${name}: want ${n} got ${args.length}`);
}

const SI_BIG = ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
const SI_SMALL = ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];

export function humanize(x: unknown): string {
  let v = toFloat(x, 'humanize');
  if (v === 0 || !Number.isFinite(v)) return formatG(v, 4);
  let prefix = '';
  if (Math.abs(v) >= 1) {
    for (const p of SI_BIG) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return formatG(v, 4) + prefix;
  }
  for (const p of SI_SMALL) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return formatG(v, 4) + prefix;
}

export function humanize1024(x: unknown): string {
  let v = toFloat(x, 'humanize1024');
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return formatG(v, 4);
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return formatG(v, 4) + prefix;
}

export function humanizeDuration(x: unknown): string {
  let v = toFloat(x, 'humanizeDuration');
  if (!Number.isFinite(v)) return formatG(v, 4);
  if (v === 0) return `${formatG(v, 4)}s`;
  if (Math.abs(v) >= 1) {
    let sign = '';
    if (v < 0) {
      sign = '-';
      v = -v;
    }
    const duration = Math.trunc(v);
    const seconds = duration % 60;
    const minutes = Math.trunc(duration / 60) % 60;
    const hours = Math.trunc(duration / 3600) % 24;
    const days = Math.trunc(duration / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${formatG(v, 4)}s`;
  }
  let prefix = '';
  for (const p of SI_SMALL) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${formatG(v, 4)}${prefix}s`;
}

export function humanizePercentage(x: unknown): string {
  return `${formatG(toFloat(x, 'humanizePercentage') * 100, 4)}%`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Go's time.Time String() in UTC: "2006-01-02 15:04:05.999999999 +0000 UTC". */
export function goTime(ms: number): string {
  const d = new Date(ms);
  const frac =
    ms % 1000 === 0 ? '' : `.${String(((ms % 1000) + 1000) % 1000).padStart(3, '0')}`.replace(/0+$/, '');
  return (
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}${frac} +0000 UTC`
  );
}

/** Go's RE2 syntax to JavaScript's, for the common differences. */
export function goRegex(pattern: string, anchored = false): RegExp {
  const js = pattern.replace(/\(\?P</g, '(?<');
  return new RegExp(anchored ? `^(?:${js})$` : js, 'g');
}

function goReplacement(repl: string): string {
  return repl.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a: string | undefined, b: string | undefined) => {
    const name = a ?? b!;
    return /^\d+$/.test(name) ? `$${name}` : `$<${name}>`;
  });
}

function sampleLike(x: unknown, fn: string): TemplateSample {
  if (x && typeof x === 'object' && 'Labels' in x && 'Value' in x) return x as TemplateSample;
  throw new Error(`${fn}: expected a sample, got ${formatValue(x)}`);
}

function compare(a: unknown, b: unknown, fn: string): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new Error(`${fn}: incompatible types for comparison`);
}

function equal(a: unknown, b: unknown): boolean {
  const nil = (x: unknown) => x === null || x === undefined;
  if (nil(a) || nil(b)) return nil(a) && nil(b);
  if (typeof a !== typeof b) throw new Error('eq: incompatible types for comparison');
  return a === b;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"'\0]/g, (c) =>
    c === '&'
      ? '&amp;'
      : c === '<'
        ? '&lt;'
        : c === '>'
          ? '&gt;'
          : c === '"'
            ? '&#34;'
            : c === "'"
              ? '&#39;'
              : '\uFFFD',
  );
}

function sortByLabel(label: string, list: TemplateSample[]): TemplateSample[] {
  return [...list].sort((x, y) => {
    const a = x.Labels.get(label) ?? '';
    const b = y.Labels.get(label) ?? '';
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

function entries(): [string, TemplateFunc][] {
  const s = (x: unknown) => formatValue(x);
  return [
    // Go's built-ins.
    ['and', (a) => a.find((x) => !truthy(x)) ?? a[a.length - 1]],
    ['or', (a) => a.find((x) => truthy(x)) ?? a[a.length - 1]],
    [
      'not',
      (a) => {
        arity('not', a, 1);
        return !truthy(a[0]);
      },
    ],
    [
      'len',
      (a) => {
        arity('len', a, 1);
        const x = a[0];
        if (typeof x === 'string' || Array.isArray(x)) return x.length;
        if (x instanceof Map) return x.size;
        throw new Error(`len of ${formatValue(x)}`);
      },
    ],
    [
      'index',
      (a) => {
        let x = a[0];
        for (const k of a.slice(1)) {
          if (x instanceof Map) x = x.get(String(k)) ?? '';
          else if (Array.isArray(x) || typeof x === 'string') {
            if (typeof k !== 'number' || k < 0 || k >= x.length)
              throw new Error(`index out of range: ${s(k)}`);
            x = x[k];
          } else if (x && typeof x === 'object') x = (x as Record<string, unknown>)[String(k)];
          else throw new Error(`can't index item of type ${typeof x}`);
        }
        return x;
      },
    ],
    [
      'slice',
      (a) => {
        const [x, i = 0, j] = a as [string | unknown[], number, number | undefined];
        return x.slice(i, j);
      },
    ],
    [
      'print',
      (a) =>
        a
          .map((x, i) => (i > 0 && typeof x !== 'string' && typeof a[i - 1] !== 'string' ? ' ' : '') + s(x))
          .join(''),
    ],
    ['println', (a) => `${a.map(s).join(' ')}\n`],
    ['printf', (a) => sprintf(String(a[0]), a.slice(1))],
    ['eq', (a) => a.slice(1).some((b) => equal(a[0], b))],
    [
      'ne',
      (a) => {
        arity('ne', a, 2);
        return !equal(a[0], a[1]);
      },
    ],
    ['lt', (a) => compare(a[0], a[1], 'lt') < 0],
    ['le', (a) => compare(a[0], a[1], 'le') <= 0],
    ['gt', (a) => compare(a[0], a[1], 'gt') > 0],
    ['ge', (a) => compare(a[0], a[1], 'ge') >= 0],
    ['html', (a) => escapeHtml(a.map(s).join(''))],
    [
      'js',
      (a) =>
        JSON.stringify(a.map(s).join(''))
          .slice(1, -1)
          .replace(/'/g, "\\'")
          .replace(/</g, '\\u003C')
          .replace(/>/g, '\\u003E'),
    ],
    ['urlquery', (a) => encodeURIComponent(a.map(s).join('')).replace(/%20/g, '+')],
    // Prometheus's functions.
    [
      'query',
      (a, ctx) => {
        arity('query', a, 1);
        const q = ctx.env.query as ((expr: string) => TemplateSample[]) | undefined;
        if (!q) throw new Error('query: no query engine available here');
        return q(String(a[0]));
      },
    ],
    [
      'first',
      (a) => {
        const list = a[0] as TemplateSample[];
        if (!Array.isArray(list) || list.length === 0)
          throw new Error('first() called on vector with no elements');
        return list[0];
      },
    ],
    ['label', (a) => sampleLike(a[1], 'label').Labels.get(String(a[0])) ?? ''],
    ['value', (a) => sampleLike(a[0], 'value').Value],
    ['strvalue', (a) => sampleLike(a[0], 'strvalue').Labels.get('__value__') ?? ''],
    ['sortByLabel', (a) => sortByLabel(String(a[0]), a[1] as TemplateSample[])],
    ['args', (a) => new Map(a.map((x, i) => [`arg${i}`, x as string]))],
    ['reReplaceAll', (a) => String(a[2]).replace(goRegex(String(a[0])), goReplacement(String(a[1])))],
    [
      'match',
      (a) => {
        const re = goRegex(String(a[0]));
        re.lastIndex = 0;
        return re.test(String(a[1]));
      },
    ],
    [
      'title',
      (a) =>
        String(a[0]).replace(
          /(^|[^\p{L}\p{N}_'])(\p{L})/gu,
          (_m, p: string, c: string) => p + c.toUpperCase(),
        ),
    ],
    ['toUpper', (a) => String(a[0]).toUpperCase()],
    ['toLower', (a) => String(a[0]).toLowerCase()],
    ['humanize', (a) => humanize(a[0])],
    ['humanize1024', (a) => humanize1024(a[0])],
    ['humanizeDuration', (a) => humanizeDuration(a[0])],
    ['humanizePercentage', (a) => humanizePercentage(a[0])],
    [
      'humanizeTimestamp',
      (a) => {
        const v = toFloat(a[0], 'humanizeTimestamp');
        return Number.isFinite(v) ? goTime(v * 1000) : formatG(v, 4);
      },
    ],
    [
      'toTime',
      (a) => {
        const v = toFloat(a[0], 'toTime');
        if (!Number.isFinite(v)) throw new Error(`toTime: ${formatFloat(v)} cannot be represented as a time`);
        return new Date(v * 1000);
      },
    ],
    ['toDuration', (a) => humanizeDuration(a[0])],
    [
      'parseDuration',
      (a) => {
        try {
          return parseDuration(String(a[0])) / 1000;
        } catch (e) {
          throw new Error(`parseDuration: ${(e as Error).message}`);
        }
      },
    ],
    ['now', (_a, ctx) => (ctx.env.nowMs as number) / 1000],
    [
      'stripPort',
      (a) => {
        const h = String(a[0]);
        const m = h.match(/^\[(.*)\]:\d+$/) ?? h.match(/^([^:]*):\d+$/);
        return m ? m[1] : h;
      },
    ],
    [
      'stripDomain',
      (a) => {
        const h = String(a[0]);
        const m = h.match(/^(\[.*\]|[^:]*)(:\d+)?$/);
        if (!m || m[1].startsWith('[') || /^\d+(\.\d+){3}$/.test(m[1])) return h;
        return m[1].split('.')[0] + (m[2] ?? '');
      },
    ],
    ['safeHtml', (a) => String(a[0])],
    ['externalURL', (_a, ctx) => String(ctx.env.externalURL ?? '')],
    [
      'pathPrefix',
      (_a, ctx) => new URL(String(ctx.env.externalURL || 'http://localhost/')).pathname.replace(/\/$/, ''),
    ],
    [
      'graphLink',
      (a, ctx) =>
        `${String(ctx.env.externalURL ?? '').replace(/\/$/, '')}/graph?g0.expr=${encodeURIComponent(String(a[0]))}&g0.tab=0`,
    ],
    [
      'tableLink',
      (a, ctx) =>
        `${String(ctx.env.externalURL ?? '').replace(/\/$/, '')}/graph?g0.expr=${encodeURIComponent(String(a[0]))}&g0.tab=1`,
    ],
  ];
}

/** Every function a rule template may call, by name. */
export const TEMPLATE_FUNCS: ReadonlyMap<string, TemplateFunc> = new Map(
  entries().map(([name, fn]): [string, TemplateFunc] => [
    name,
    (args: unknown[], ctx: ExecContext) => {
      try {
        return fn(args, ctx);
      } catch (e) {
        if (e instanceof TemplateError) throw e;
        throw new TemplateError(`error calling ${name}: ${(e as Error).message}`, -1);
      }
    },
  ]),
);
