// Executes a parsed template the way Go's text/template does: truthiness,
// variables scoped to their block, range over lists and (sorted) maps,
// pipelines passing the previous result as the last argument.
import { formatValue } from './gofmt.js';
import { type Command, type Node, type Operand, type Pipeline, TemplateError } from './parse.js';

export type TemplateFunc = (args: unknown[], ctx: ExecContext) => unknown;

export interface ExecContext {
  readonly funcs: ReadonlyMap<string, TemplateFunc>;
  /** Set by the caller; template functions such as `query` read what they need from here. */
  readonly env: Record<string, unknown>;
}

class Break {}
class Continue {}

export function truthy(x: unknown): boolean {
  if (x === undefined || x === null || x === false || x === 0 || x === '') return false;
  if (Array.isArray(x)) return x.length > 0;
  if (x instanceof Map) return x.size > 0;
  return true;
}

function field(value: unknown, name: string, pos: number): unknown {
  // Every map a rule template sees is map[string]string: a missing key is "", as in Go.
  if (value instanceof Map) return value.get(name) ?? '';
  if (value === null || value === undefined) throw new TemplateError(`nil pointer evaluating .${name}`, pos);
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (name in o) return o[name];
    throw new TemplateError(`can't evaluate field ${name}`, pos);
  }
  throw new TemplateError(`can't evaluate field ${name} in type ${typeof value}`, pos);
}

type Scope = { name: string; value: unknown }[];

class Exec {
  private out = '';

  constructor(
    private readonly ctx: ExecContext,
    private readonly root: unknown,
  ) {}

  run(nodes: readonly Node[], initial: Readonly<Record<string, unknown>>): string {
    const vars: Scope = [{ name: '$', value: this.root }];
    for (const [name, value] of Object.entries(initial)) vars.push({ name, value });
    this.list(nodes, this.root, vars);
    return this.out;
  }

  private list(nodes: readonly Node[], dot: unknown, vars: Scope): void {
    const mark = vars.length;
    for (const node of nodes) this.node(node, dot, vars);
    vars.length = mark;
  }

  private node(node: Node, dot: unknown, vars: Scope): void {
    switch (node.kind) {
      case 'text':
        this.out += node.text;
        return;
      case 'action': {
        const v = this.pipeline(node.pipe, dot, vars);
        if (node.pipe.decl.length === 0) this.out += formatValue(v);
        return;
      }
      case 'break':
        throw new Break();
      case 'continue':
        throw new Continue();
      case 'if':
      case 'with': {
        const mark = vars.length;
        const v = this.pipeline(node.pipe, dot, vars);
        if (truthy(v)) this.list(node.body, node.kind === 'with' ? v : dot, vars);
        else if (node.orElse) this.list(node.orElse, dot, vars);
        vars.length = mark;
        return;
      }
      case 'range': {
        const mark = vars.length;
        const decl = node.pipe.decl;
        const v = this.pipeline({ ...node.pipe, decl: [] }, dot, vars);
        let entries: [unknown, unknown][];
        if (Array.isArray(v)) entries = v.map((x, i) => [i, x]);
        else if (v instanceof Map) entries = [...v.keys()].sort().map((k) => [k, v.get(k)]);
        else if (typeof v === 'number' && Number.isInteger(v))
          entries = Array.from({ length: v }, (_, i) => [i, i]);
        else if (v === null || v === undefined) entries = [];
        else if (typeof v === 'object') {
          const o = v as Record<string, unknown>;
          entries = Object.keys(o)
            .sort()
            .map((k) => [k, o[k]]);
        } else throw new TemplateError(`range can't iterate over ${formatValue(v)}`, node.pipe.pos);
        if (entries.length === 0) {
          if (node.orElse) this.list(node.orElse, dot, vars);
          vars.length = mark;
          return;
        }
        for (const [k, x] of entries) {
          const inner = vars.length;
          if (decl.length === 1) vars.push({ name: decl[0], value: x });
          else if (decl.length >= 2) vars.push({ name: decl[0], value: k }, { name: decl[1], value: x });
          try {
            this.list(node.body, x, vars);
          } catch (e) {
            if (e instanceof Break) {
              vars.length = inner;
              break;
            }
            if (!(e instanceof Continue)) throw e;
          }
          vars.length = inner;
        }
        vars.length = mark;
        return;
      }
    }
  }

  private pipeline(pipe: Pipeline, dot: unknown, vars: Scope): unknown {
    let v: unknown;
    let has = false;
    for (const cmd of pipe.cmds) {
      v = this.command(cmd, dot, vars, has ? [v] : []);
      has = true;
    }
    if (pipe.decl.length) {
      if (pipe.assign) {
        for (const name of pipe.decl) {
          const slot = this.lookup(vars, name, pipe.pos);
          slot.value = v;
        }
      } else for (const name of pipe.decl) vars.push({ name, value: v });
    }
    return v;
  }

  private lookup(vars: Scope, name: string, pos: number): { name: string; value: unknown } {
    for (let i = vars.length - 1; i >= 0; i--) if (vars[i].name === name) return vars[i];
    throw new TemplateError(`undefined variable "${name}"`, pos);
  }

  private command(cmd: Command, dot: unknown, vars: Scope, final: unknown[]): unknown {
    const [head, ...rest] = cmd.args;
    if (head.kind === 'ident') {
      const fn = this.ctx.funcs.get(head.name);
      if (!fn) throw new TemplateError(`function "${head.name}" not defined`, head.pos);
      const args = rest.map((a) => this.operand(a, dot, vars)).concat(final);
      return fn(args, this.ctx);
    }
    if (rest.length > 0 || final.length > 0) {
      throw new TemplateError(`can't give argument to non-function ${describe(head)}`, cmd.pos);
    }
    return this.operand(head, dot, vars);
  }

  private operand(op: Operand, dot: unknown, vars: Scope): unknown {
    switch (op.kind) {
      case 'lit':
        return op.value;
      case 'dot':
        return this.chain(dot, op.chain, 0);
      case 'var':
        return this.chain(this.lookup(vars, op.name, 0).value, op.chain, 0);
      case 'pipe':
        return this.chain(this.pipeline(op.pipe, dot, vars), op.chain, op.pipe.pos);
      case 'ident': {
        const fn = this.ctx.funcs.get(op.name);
        if (!fn) throw new TemplateError(`function "${op.name}" not defined`, op.pos);
        return fn([], this.ctx);
      }
    }
  }

  private chain(v: unknown, chain: readonly string[], pos: number): unknown {
    for (const name of chain) v = field(v, name, pos);
    return v;
  }
}

function describe(op: Operand): string {
  switch (op.kind) {
    case 'lit':
      return formatValue(op.value);
    case 'dot':
      return `.${op.chain.join('.')}`;
    case 'var':
      return [op.name, ...op.chain].join('.');
    default:
      return op.kind;
  }
}

/** Runs a template over `data` (the dot); `vars` are predefined variables such as `$labels`. */
export function execute(
  nodes: readonly Node[],
  data: unknown,
  ctx: ExecContext,
  vars: Readonly<Record<string, unknown>> = {},
): string {
  return new Exec(ctx, data).run(nodes, vars);
}
