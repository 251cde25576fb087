// A plain series selector, `name{label="value", other=~"re.*"}`, parsed here
// so that summaries can read exact raw samples straight from the store. Any
// other expression goes to the PromQL engine instead.
import type { Matcher, MatchType } from '../../storage/types.js';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** Matchers of a plain selector, or null when `expr` is anything else. */
export function parseSelector(expr: string): Matcher[] | null {
  let s = expr.trim();
  const matchers: Matcher[] = [];
  const name = NAME.exec(s);
  if (name) {
    matchers.push({ type: '=', name: '__name__', value: name[0] });
    s = s.slice(name[0].length).trim();
  }
  if (s === '') return matchers.length ? matchers : null;
  if (s[0] !== '{' || s[s.length - 1] !== '}') return null;
  s = s.slice(1, -1).trim();
  while (s.length) {
    const label = LABEL.exec(s);
    if (!label) return null;
    s = s.slice(label[0].length).trim();
    const op = /^(=~|!~|!=|=)/.exec(s);
    if (!op) return null;
    s = s.slice(op[0].length).trim();
    const str = /^"((?:[^"\\]|\\.)*)"/.exec(s) ?? /^'((?:[^'\\]|\\.)*)'/.exec(s);
    if (!str) return null;
    const value = str[1].replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));
    matchers.push({ type: op[0] as MatchType, name: label[0], value });
    s = s.slice(str[0].length).trim();
    if (s.startsWith(',')) s = s.slice(1).trim();
    else if (s.length) return null;
  }
  return matchers.length ? matchers : null;
}
