// label_replace and label_join: rewrite label sets, keeping values.
import type { Labels } from '../../storage/types.js';
import { keyOf } from '../eval/labels.js';
import type { StepSeries, StringValue, VectorValue } from '../eval/values.js';
import { compileAnchored } from '../parser/regex.js';
import { registerFunction } from './registry.js';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Go's Regexp.Expand template: $1, ${1}, $name, ${name}, $$. */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '$' || i + 1 >= template.length) {
      out += c;
      continue;
    }
    const next = template[i + 1];
    if (next === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string;
    if (next === '{') {
      const end = template.indexOf('}', i + 2);
      const inner = end < 0 ? '' : template.slice(i + 2, end);
      if (end < 0 || !/^[a-zA-Z0-9_]+$/.test(inner)) {
        out += c;
        continue;
      }
      name = inner;
      i = end;
    } else {
      const m = /^[a-zA-Z0-9_]+/.exec(template.slice(i + 1));
      if (!m) {
        out += c;
        continue;
      }
      name = m[0];
      i += name.length;
    }
    if (/^\d+$/.test(name)) {
      const idx = Number(name);
      out += idx < match.length ? (match[idx] ?? '') : '';
    } else {
      out += match.groups?.[name] ?? '';
    }
  }
  return out;
}

function withLabel(labels: Labels, name: string, value: string): Labels {
  const out: Record<string, string> = { ...labels };
  if (value === '') delete out[name];
  else out[name] = value;
  return out;
}

export function registerLabelFunctions(): void {
  registerFunction('label_replace', {
    argTypes: ['vector', 'string', 'string', 'string', 'string'],
    returnType: 'vector',
    keepName: true,
    call: (args, ctx): VectorValue => {
      const vec = args[0] as VectorValue;
      const [dst, repl, src, regexStr] = args.slice(1).map((a) => (a as StringValue).value);
      let re: RegExp;
      try {
        re = compileAnchored(regexStr);
      } catch {
        ctx.fail(`invalid regular expression in label_replace(): ${regexStr}`);
      }
      if (!LABEL_NAME.test(dst)) ctx.fail(`invalid destination label name in label_replace(): ${dst}`);
      const series = vec.series.map((s): StepSeries => {
        const m = re.exec(s.labels[src] ?? '');
        if (!m) return { labels: s.labels, v: s.v, has: s.has, key: keyOf(s), h: s.h };
        return { labels: withLabel(s.labels, dst, expandTemplate(repl, m)), v: s.v, has: s.has, h: s.h };
      });
      return { type: 'vector', series };
    },
  });
  registerFunction('label_join', {
    argTypes: ['vector', 'string', 'string', 'string'],
    variadic: -1,
    returnType: 'vector',
    keepName: true,
    call: (args, ctx): VectorValue => {
      const vec = args[0] as VectorValue;
      const strs = args.slice(1).map((a) => (a as StringValue).value);
      const [dst, sep, ...srcs] = strs;
      for (const src of srcs)
        if (!LABEL_NAME.test(src)) ctx.fail(`invalid source label name in label_join(): ${src}`);
      if (!LABEL_NAME.test(dst)) ctx.fail(`invalid destination label name in label_join(): ${dst}`);
      const series = vec.series.map((s): StepSeries => {
        const value = srcs.map((l) => s.labels[l] ?? '').join(sep);
        return { labels: withLabel(s.labels, dst, value), v: s.v, has: s.has, h: s.h };
      });
      return { type: 'vector', series };
    },
  });
}
