// The part of Go's text/template that rule files use, parsed into a tree:
// text, {{ pipeline }}, variables ($x := ..., $x = ...), if / else if / else,
// range (with $i, $v :=), with, comments, trim markers {{- -}}, parenthesised
// pipelines, field chains (.Labels.job, $labels.instance), string / raw /
// number / bool / nil literals and function calls.

export class TemplateError extends Error {
  constructor(
    message: string,
    /** Offset in the template text where the problem is. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

export type Operand =
  | { readonly kind: 'dot'; readonly chain: readonly string[] }
  | { readonly kind: 'var'; readonly name: string; readonly chain: readonly string[] }
  | { readonly kind: 'ident'; readonly name: string; readonly pos: number }
  | { readonly kind: 'lit'; readonly value: string | number | boolean | null }
  | { readonly kind: 'pipe'; readonly pipe: Pipeline; readonly chain: readonly string[] };

export interface Command {
  readonly args: readonly Operand[];
  readonly pos: number;
}

export interface Pipeline {
  readonly decl: readonly string[];
  /** `=` rather than `:=`. */
  readonly assign: boolean;
  readonly cmds: readonly Command[];
  readonly pos: number;
}

export type Node =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'action'; readonly pipe: Pipeline }
  | {
      readonly kind: 'if' | 'with' | 'range';
      readonly pipe: Pipeline;
      readonly body: readonly Node[];
      readonly orElse: readonly Node[] | null;
    }
  | { readonly kind: 'break' | 'continue' };

type Tok =
  | { t: 'field'; v: string; pos: number }
  | { t: 'var'; v: string; pos: number }
  | { t: 'ident'; v: string; pos: number }
  | { t: 'str'; v: string; pos: number }
  | { t: 'num'; v: number; pos: number }
  | { t: 'sym'; v: string; pos: number }
  | { t: 'dot'; v: '.'; pos: number };

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER =
  /[+-]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][+-]?\d+)?)/y;

/** Go's escapes that JSON lacks, rewritten pair by pair (so an escaped backslash is never taken for the start of one). */
const GO_ONLY_ESCAPE: Record<string, string> = { "'": "'", a: '\\u0007', v: '\\u000b' };

function unquote(raw: string, pos: number): string {
  try {
    return JSON.parse(raw.replace(/\\([\s\S])/g, (pair, c: string) => GO_ONLY_ESCAPE[c] ?? pair));
  } catch {
    throw new TemplateError(`bad string literal ${raw}`, pos);
  }
}

/** Tokens of one action's inside (between the delimiters). */
function lexAction(src: string, start: number, end: number): Tok[] {
  const toks: Tok[] = [];
  let i = start;
  while (i < end) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < end && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      if (j >= end) throw new TemplateError('unterminated quoted string', i);
      toks.push({ t: 'str', v: unquote(src.slice(i, j + 1), i), pos: i });
      i = j + 1;
      continue;
    }
    if (c === '`') {
      const j = src.indexOf('`', i + 1);
      if (j < 0 || j >= end) throw new TemplateError('unterminated raw quoted string', i);
      toks.push({ t: 'str', v: src.slice(i + 1, j), pos: i });
      i = j + 1;
      continue;
    }
    if (c === "'") {
      const j = src.indexOf("'", i + 2);
      if (j < 0 || j >= end) throw new TemplateError('unterminated character constant', i);
      const ch = unquote(`"${src.slice(i + 1, j)}"`, i);
      toks.push({ t: 'num', v: ch.codePointAt(0) ?? 0, pos: i });
      i = j + 1;
      continue;
    }
    if (c === ':' && src[i + 1] === '=') {
      toks.push({ t: 'sym', v: ':=', pos: i });
      i += 2;
      continue;
    }
    if ('()|=,'.includes(c)) {
      toks.push({ t: 'sym', v: c, pos: i });
      i++;
      continue;
    }
    if (c === '$') {
      IDENT.lastIndex = i + 1;
      const m = IDENT.exec(src);
      const name = m && m.index === i + 1 ? m[0] : '';
      toks.push({ t: 'var', v: `$${name}`, pos: i });
      i += 1 + name.length;
      continue;
    }
    if (c === '.') {
      IDENT.lastIndex = i + 1;
      const m = IDENT.exec(src);
      if (m && m.index === i + 1) {
        toks.push({ t: 'field', v: m[0], pos: i });
        i += 1 + m[0].length;
        continue;
      }
      if (!/[0-9]/.test(src[i + 1] ?? '')) {
        toks.push({ t: 'dot', v: '.', pos: i });
        i++;
        continue;
      }
    }
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(src);
    if (num && num[0] !== '+' && num[0] !== '-') {
      toks.push({ t: 'num', v: Number(num[0].replace(/_/g, '')), pos: i });
      i += num[0].length;
      continue;
    }
    IDENT.lastIndex = i;
    const id = IDENT.exec(src);
    if (id) {
      toks.push({ t: 'ident', v: id[0], pos: i });
      i += id[0].length;
      continue;
    }
    throw new TemplateError(`unexpected "${c}" in command`, i);
  }
  return toks;
}

interface RawAction {
  readonly toks: Tok[];
  readonly pos: number;
}

type Piece = { text: string } | { action: RawAction };

function split(src: string): Piece[] {
  const pieces: Piece[] = [];
  let i = 0;
  let trimNext = false;
  while (i <= src.length) {
    const open = src.indexOf('{{', i);
    let text = src.slice(i, open < 0 ? src.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    trimNext = false;
    if (open < 0) {
      if (text) pieces.push({ text });
      break;
    }
    let start = open + 2;
    if (src[start] === '-' && /\s/.test(src[start + 1] ?? '')) {
      text = text.replace(/\s+$/, '');
      start += 2;
    }
    if (text) pieces.push({ text });
    // A comment: {{/* ... */}}
    const afterWs = src.slice(start).match(/^\s*/)![0].length;
    if (src.startsWith('/*', start + afterWs)) {
      const endC = src.indexOf('*/', start + afterWs + 2);
      if (endC < 0) throw new TemplateError('unclosed comment', open);
      let k = endC + 2;
      while (/\s/.test(src[k] ?? '')) k++;
      if (src.startsWith('-}}', k)) {
        trimNext = true;
        k += 1;
      }
      if (!src.startsWith('}}', k)) throw new TemplateError('comment ends before closing delimiter', open);
      i = k + 2;
      continue;
    }
    // Find the closing }} outside quotes.
    let j = start;
    let close = -1;
    while (j < src.length) {
      const c = src[j];
      if (c === '"') {
        j++;
        while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
        j++;
        continue;
      }
      if (c === '`') {
        const k = src.indexOf('`', j + 1);
        j = k < 0 ? src.length : k + 1;
        continue;
      }
      if (c === '}' && src[j + 1] === '}') {
        close = j;
        break;
      }
      j++;
    }
    if (close < 0) throw new TemplateError('unclosed action', open);
    let end = close;
    if (src[close - 1] === '-' && /\s/.test(src[close - 2] ?? '')) {
      end = close - 2;
      trimNext = true;
    }
    pieces.push({ action: { toks: lexAction(src, start, end), pos: open } });
    i = close + 2;
  }
  return pieces;
}

class Parser {
  private p = 0;

  constructor(private readonly pieces: Piece[]) {}

  parse(): Node[] {
    const { nodes, end } = this.list();
    if (end) throw new TemplateError(`unexpected {{${end.word}}}`, end.pos);
    return nodes;
  }

  /** Nodes up to an {{else}} or {{end}} (returned, not consumed beyond its own piece). */
  private list(): { nodes: Node[]; end: { word: 'else' | 'end'; rest: Tok[]; pos: number } | null } {
    const nodes: Node[] = [];
    while (this.p < this.pieces.length) {
      const piece = this.pieces[this.p++];
      if ('text' in piece) {
        nodes.push({ kind: 'text', text: piece.text });
        continue;
      }
      const { toks, pos } = piece.action;
      if (toks.length === 0) throw new TemplateError('missing value for command', pos);
      const head = toks[0];
      if (head.t === 'ident') {
        switch (head.v) {
          case 'end':
          case 'else':
            return { nodes, end: { word: head.v, rest: toks.slice(1), pos } };
          case 'if':
          case 'with':
          case 'range':
            nodes.push(this.control(head.v, toks.slice(1), pos));
            continue;
          case 'break':
          case 'continue':
            nodes.push({ kind: head.v });
            continue;
          case 'template':
          case 'define':
          case 'block':
            throw new TemplateError(`{{${head.v}}} is not supported in rule templates`, pos);
        }
      }
      nodes.push({ kind: 'action', pipe: pipeline(toks, pos) });
    }
    return { nodes, end: null };
  }

  private control(kind: 'if' | 'with' | 'range', toks: Tok[], pos: number): Node {
    if (toks.length === 0) throw new TemplateError(`missing value for ${kind}`, pos);
    const pipe = pipeline(toks, pos);
    const body = this.list();
    if (!body.end) throw new TemplateError(`unexpected EOF: {{${kind}}} has no {{end}}`, pos);
    let orElse: Node[] | null = null;
    if (body.end.word === 'else') {
      const rest = body.end.rest;
      if (rest.length > 0 && rest[0].t === 'ident' && (rest[0].v === 'if' || rest[0].v === 'with')) {
        // {{else if ...}} / {{else with ...}}: a nested control sharing this one's {{end}}.
        orElse = [this.control(rest[0].v, rest.slice(1), body.end.pos)];
        return { kind, pipe, body: body.nodes, orElse };
      }
      if (rest.length > 0) throw new TemplateError('unexpected tokens after {{else}}', body.end.pos);
      const alt = this.list();
      if (alt.end?.word !== 'end') throw new TemplateError(`{{${kind}}} has no {{end}}`, pos);
      orElse = alt.nodes;
    }
    return { kind, pipe, body: body.nodes, orElse };
  }
}

function chainAfter(toks: Tok[], i: number): { chain: string[]; next: number } {
  const chain: string[] = [];
  while (i < toks.length && toks[i].t === 'field') chain.push(String(toks[i++].v));
  return { chain, next: i };
}

function pipeline(toks: Tok[], pos: number): Pipeline {
  let i = 0;
  const decl: string[] = [];
  let assign = false;
  // $x := / $x, $y := / $x =
  let k = 0;
  const names: string[] = [];
  while (k < toks.length && toks[k].t === 'var') {
    names.push(String(toks[k].v));
    k++;
    if (toks[k]?.t === 'sym' && toks[k].v === ',') k++;
    else break;
  }
  if (names.length && toks[k]?.t === 'sym' && (toks[k].v === ':=' || toks[k].v === '=')) {
    decl.push(...names);
    assign = toks[k].v === '=';
    i = k + 1;
  }
  const { cmds, next } = commands(toks, i, pos);
  if (next !== toks.length)
    throw new TemplateError(`unexpected "${toks[next].v}" in command`, toks[next].pos);
  if (cmds.length === 0) throw new TemplateError('missing value for command', pos);
  return { decl, assign, cmds, pos };
}

function commands(toks: Tok[], i: number, pos: number): { cmds: Command[]; next: number } {
  const cmds: Command[] = [];
  let args: Operand[] = [];
  let cmdPos = toks[i]?.pos ?? pos;
  while (i < toks.length) {
    const tok = toks[i];
    if (tok.t === 'sym' && tok.v === ')') break;
    if (tok.t === 'sym' && tok.v === '|') {
      if (args.length === 0) throw new TemplateError('missing command before |', tok.pos);
      cmds.push({ args, pos: cmdPos });
      args = [];
      i++;
      cmdPos = toks[i]?.pos ?? tok.pos;
      continue;
    }
    const { op, next } = operand(toks, i, pos);
    args.push(op);
    i = next;
  }
  if (args.length) cmds.push({ args, pos: cmdPos });
  return { cmds, next: i };
}

function operand(toks: Tok[], i: number, pos: number): { op: Operand; next: number } {
  const tok = toks[i];
  switch (tok.t) {
    case 'dot': {
      return { op: { kind: 'dot', chain: [] }, next: i + 1 };
    }
    case 'field': {
      const { chain, next } = chainAfter(toks, i);
      return { op: { kind: 'dot', chain }, next };
    }
    case 'var': {
      const { chain, next } = chainAfter(toks, i + 1);
      return { op: { kind: 'var', name: tok.v, chain }, next };
    }
    case 'str':
    case 'num':
      return { op: { kind: 'lit', value: tok.v }, next: i + 1 };
    case 'ident':
      if (tok.v === 'true' || tok.v === 'false')
        return { op: { kind: 'lit', value: tok.v === 'true' }, next: i + 1 };
      if (tok.v === 'nil') return { op: { kind: 'lit', value: null }, next: i + 1 };
      return { op: { kind: 'ident', name: tok.v, pos: tok.pos }, next: i + 1 };
    case 'sym':
      if (tok.v === '(') {
        const inner = commands(toks, i + 1, tok.pos);
        if (toks[inner.next]?.v !== ')') throw new TemplateError('unclosed left paren', tok.pos);
        if (inner.cmds.length === 0)
          throw new TemplateError('missing value in parenthesised pipeline', tok.pos);
        const { chain, next } = chainAfter(toks, inner.next + 1);
        return {
          op: { kind: 'pipe', pipe: { decl: [], assign: false, cmds: inner.cmds, pos: tok.pos }, chain },
          next,
        };
      }
      throw new TemplateError(`unexpected "${tok.v}" in operand`, tok.pos);
  }
  throw new TemplateError('unexpected token', pos);
}

/** Parses a template; throws TemplateError with the offset of the problem. */
export function parseTemplate(src: string): Node[] {
  return new Parser(split(src)).parse();
}
