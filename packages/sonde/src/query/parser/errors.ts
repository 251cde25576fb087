// Syntax errors in Prometheus's words: the grammar says where a query stops
// making sense, the context around that point says what Prometheus would say.

export class ParseFail extends Error {
  constructor(
    readonly pos: number,
    message: string,
  ) {
    super(message);
  }
}

export function fail(pos: number, msg: string): never {
  throw new ParseFail(pos, msg);
}
/** Formats a parse error the way Prometheus does: "line:col: parse error: msg". */
export function formatError(query: string, pos: number, msg: string): string {
  let line = 1;
  let lastBreak = -1;
  const p = Math.max(0, Math.min(pos, query.length));
  for (let i = 0; i < p; i++) {
    if (query[i] === '\n') {
      line++;
      lastBreak = i;
    }
  }
  return `${line}:${p - lastBreak}: parse error: ${msg}`;
}

/** Brackets still open at the end of `text` (strings and comments skipped), and an unclosed string. */
function openBrackets(text: string): { stack: string[]; inString: boolean; stringStart: number } {
  const stack: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      const start = i;
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\' && c !== '`') i++;
      if (i >= text.length) return { stack, inString: true, stringStart: start };
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '(' || c === '{' || c === '[') stack.push(c);
    else if (c === ')' || c === '}' || c === ']') stack.pop();
  }
  return { stack, inString: false, stringStart: -1 };
}

/** Reports a syntax error at `at` in Prometheus's words where the context tells which. */
export function syntaxError(q: string, at: number): never {
  const head = q.slice(0, at);
  const open = openBrackets(head);
  if (at >= q.trimEnd().length) {
    if (/"(?:[^"\\]|\\.)*$|'(?:[^'\\]|\\.)*$/.test(head) && open.inString)
      fail(open.stringStart, 'unterminated quoted string');
    if (/\boffset\s*$/i.test(head)) fail(at, 'unexpected end of input in offset, expected duration');
    if (/@\s*$/.test(head)) fail(at, 'unexpected end of input in @, expected timestamp');
    if (/\b(by|without)\s*$/i.test(head)) fail(at, 'unexpected end of input in grouping opts, expected "("');
    const last = open.stack[open.stack.length - 1];
    if (last === '{') fail(at, 'unexpected end of input inside braces');
    if (last === '(') fail(at, 'unclosed left parenthesis');
    if (last === '[') fail(at, 'unclosed left bracket');
    fail(at, 'unexpected end of input');
  }
  if (open.inString) fail(open.stringStart, 'unterminated quoted string');
  const rest = q.slice(at).trimStart();
  const pos = at + (q.length - at - rest.length);
  const tok = /^([a-zA-Z_][a-zA-Z0-9_:]*|\d[\w.]*|"[^"]*"?|\S)/.exec(rest)?.[0] ?? rest[0];
  if (
    /^[a-zA-Z_]/.test(tok) &&
    q
      .slice(pos + tok.length)
      .trimStart()
      .startsWith('(')
  )
    fail(pos, `unknown function with name ${JSON.stringify(tok)}`);
  if (tok === '(' && /\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*$/i.test(head))
    fail(pos, 'unexpected "(" in grouping opts, expected "," or ")"');
  const before = /([a-zA-Z_][a-zA-Z0-9_:]*)\s*$/.exec(head);
  if (
    tok === '(' &&
    before &&
    !/^(by|without|on|ignoring|group_left|group_right|bool|offset)$/i.test(before[1])
  )
    fail(before.index, `unknown function with name ${JSON.stringify(before[1])}`);
  if (open.stack[open.stack.length - 1] === '{' && tok === '}' && /[=~!]\s*$/.test(head))
    fail(pos, 'unexpected "}" in label matching, expected string');
  if (/^[a-zA-Z_]/.test(tok)) fail(pos, `unexpected identifier ${JSON.stringify(tok)}`);
  if (/^\d/.test(tok)) fail(pos, `unexpected number ${JSON.stringify(tok)}`);
  if (tok === ')') fail(pos, "unexpected right parenthesis ')'");
  if (tok === ']') fail(pos, "unexpected right bracket ']'");
  if (tok === '}') fail(pos, "unexpected right brace '}'");
  if (!/^[-+*/%^=!<>,(){}[\]@:"'`~]/.test(tok)) fail(pos, `unexpected character: '${tok}'`);
  fail(pos, `unexpected ${JSON.stringify(tok)}`);
}
