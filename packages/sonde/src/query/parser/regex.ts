// RE2 (Go regexp) patterns as JavaScript RegExp sources. PromQL regexes are
// RE2; most are valid JS as they are. This rewrites the RE2-only forms seen in
// practice: (?i) and (?s) flags, (?P<name>...), \z, \A, \Q...\E and POSIX
// classes like [[:alpha:]]. Anchoring is left to the caller.
import { setFlagsFromString } from 'node:v8';

// RE2 guarantees linear time; V8's backtracking engine does not, and a query
// such as {k=~"(a+)+$"} against a long label value would block the event
// loop for hours (no query timeout can interrupt a running RegExp). With this
// V8 flag a regex that backtracks excessively is re-run on V8's linear-time
// engine, which handles exactly the RE2-compatible patterns PromQL allows.
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-/:-@[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

function escapeLiteral(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Translates an RE2 pattern to a JS RegExp source; `flags` collects 's' when (?s) is used. */
export function re2ToJs(pattern: string): { source: string; ignoreCase: boolean; dotAll: boolean } {
  let src = pattern;
  let ignoreCase = false;
  let dotAll = false;
  // Leading flag groups: (?i), (?s), (?is), ...
  for (;;) {
    const m = /^\(\?([imsU]+)\)/.exec(src);
    if (!m) break;
    if (m[1].includes('i')) ignoreCase = true;
    if (m[1].includes('s')) dotAll = true;
    src = src.slice(m[0].length);
  }
  if (!/[\\[(]/.test(src)) return { source: src, ignoreCase, dotAll };
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const n = src[i + 1];
      if (!inClass && n === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const lit = end < 0 ? src.slice(i + 2) : src.slice(i + 2, end);
        out += escapeLiteral(lit);
        i = end < 0 ? src.length : end + 1;
        continue;
      }
      if (!inClass && n === 'z') {
        out += '$';
        i++;
        continue;
      }
      if (!inClass && n === 'A') {
        out += '^';
        i++;
        continue;
      }
      out += c + (n ?? '');
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        const end = src.indexOf(':]', i + 2);
        if (end > 0) {
          let name = src.slice(i + 2, end);
          const neg = name.startsWith('^');
          if (neg) name = name.slice(1);
          const cls = POSIX[name];
          if (cls && !neg) {
            out += cls;
            i = end + 1;
            continue;
          }
        }
      }
      if (c === '[') {
        out += '\\[';
        continue;
      }
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (src[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    out += c;
  }
  return { source: out, ignoreCase, dotAll };
}

/** Compiles an RE2 pattern fully anchored, as PromQL matchers and label_replace use it. */
export function compileAnchored(pattern: string): RegExp {
  const { source, ignoreCase, dotAll } = re2ToJs(pattern);
  return new RegExp(`^(?:${source})$`, (ignoreCase ? 'i' : '') + (dotAll ? 's' : ''));
}

/**
 * A matcher value the store's anchored compiler (which adds the `s` flag) reads
 * as the RE2 pattern means. Case-insensitive patterns are expanded to classes.
 */
export function re2ForStore(pattern: string): string {
  const { source, ignoreCase } = re2ToJs(pattern);
  if (!ignoreCase) return source;
  // Expand letters to [xX] outside classes; inside classes add the other case.
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      out += c + (source[i + 1] ?? '');
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      else if (/[a-zA-Z]/.test(c)) {
        if (source[i + 1] === '-' && /[a-zA-Z]/.test(source[i + 2] ?? '')) {
          const to = source[i + 2];
          out += `${c}-${to}${c.toUpperCase()}-${to.toUpperCase()}${c.toLowerCase()}-${to.toLowerCase()}`;
          i += 2;
          continue;
        }
        out += c.toLowerCase() + c.toUpperCase();
        continue;
      }
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      continue;
    }
    if (/[a-zA-Z]/.test(c) && !(out.endsWith('(?') || out.endsWith('(?<'))) {
      out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
      continue;
    }
    out += c;
  }
  return out;
}
