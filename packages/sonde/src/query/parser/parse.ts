// PromQL text → typed AST, with Prometheus's type checks and, where practical,
// its error messages ("1:5: parse error: ..."). The grammar is the Prometheus
// project's own (@prometheus-io/lezer-promql); this file walks its tree.
import { parser as lezer } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import type { Matcher, MatchType } from '../../storage/types.js';
import { getFunction } from '../functions/registry.js';
import { QueryError } from '../types.js';
import {
  type AggregateOp,
  type AtModifier,
  type BinaryOp,
  COMPARISON_OPS,
  type Expr,
  SET_OPS,
  TYPE_NAME,
  type ValueType,
  type VectorMatching,
  type VectorSelector,
} from './ast.js';
import { parseDurationMs, parseNumber, unquote } from './lex.js';
import { compileAnchored } from './regex.js';
import { ParseFail, fail, formatError, syntaxError } from './errors.js';
import { substituteExtensions } from './extensions.js';

const AGG_OPS = new Set<AggregateOp>([
  'sum',
  'avg',
  'min',
  'max',
  'count',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'quantile',
  'count_values',
  'group',
]);
const AGG_WITH_PARAM = new Set<AggregateOp>(['topk', 'bottomk', 'quantile', 'count_values']);

const BIN_OP_NODES: Record<string, BinaryOp> = {
  Pow: '^',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Add: '+',
  Sub: '-',
  Eql: '==',
  Neq: '!=',
  Gtr: '>',
  Lss: '<',
  Gte: '>=',
  Lte: '<=',
  And: 'and',
  Or: 'or',
  Unless: 'unless',
  Atan2: 'atan2',
};

const MATCH_OPS: Record<string, MatchType> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };

class Builder {
  constructor(
    readonly q: string,
    readonly ext: Map<number, string>,
  ) {}

  text(n: SyntaxNode): string {
    return this.q.slice(n.from, n.to);
  }

  fail(pos: number, msg: string): never {
    return fail(pos, msg);
  }

  children(n: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let c = n.firstChild; c; c = c.nextSibling) if (c.name !== 'LineComment') out.push(c);
    return out;
  }

  checkErrors(root: SyntaxNode): void {
    const cur = root.cursor();
    do {
      if (cur.type.isError) syntaxError(this.q, cur.from);
    } while (cur.next());
  }

  expr(n: SyntaxNode): Expr {
    const start = n.from;
    const end = n.to;
    switch (n.name) {
      case 'PromQL': {
        const kids = this.children(n);
        if (kids.length === 0) this.fail(0, 'no expression found in input');
        return this.expr(kids[0]);
      }
      case 'NumberDurationLiteral': {
        let t = this.text(n);
        let sign = 1;
        if (t[0] === '-' || t[0] === '+') {
          sign = t[0] === '-' ? -1 : 1;
          t = t.slice(1).trim();
        }
        const v = parseNumber(t);
        if (v === null) {
          if (parseDurationMs(t) !== null) this.fail(start, `unexpected duration "${t}"`);
          this.fail(start, `bad number or duration syntax: "${t}"`);
        }
        return { kind: 'number', value: sign * v, start, end };
      }
      case 'StringLiteral':
        return { kind: 'string', value: this.str(n), start, end };
      case 'VectorSelector':
        return this.vectorSelector(n);
      case 'MatrixSelector': {
        const [inner, dur] = this.children(n);
        const rangeMs = this.duration(dur);
        if (rangeMs <= 0) this.fail(dur.from, 'duration must be greater than 0');
        return this.rebind(this.expr(inner), (sel) => {
          if (sel.kind !== 'vectorSelector') this.fail(sel.start, 'ranges only allowed for vector selectors');
          if (sel.offsetMs !== 0 || sel.at)
            this.fail(dur.from, 'no offset or @ modifiers allowed before range');
          return { kind: 'matrixSelector', selector: sel, rangeMs, start: sel.start, end };
        });
      }
      case 'SubqueryExpr': {
        const kids = this.children(n);
        const rangeMs = this.duration(kids[1]);
        const stepMs = kids[2] ? this.duration(kids[2]) : 0;
        if (rangeMs <= 0) this.fail(kids[1].from, 'duration must be greater than 0');
        if (kids[2] && stepMs <= 0) this.fail(kids[2].from, 'duration must be greater than 0');
        return this.rebind(this.expr(kids[0]), (inner) => {
          const t = this.typeOf(inner);
          if (t !== 'vector')
            this.fail(inner.start, `subquery is only allowed on instant vector, got ${TYPE_NAME[t]} instead`);
          return {
            kind: 'subquery',
            expr: inner,
            rangeMs,
            stepMs,
            offsetMs: 0,
            at: null,
            start: inner.start,
            end,
          };
        });
      }
      case 'OffsetExpr': {
        const kids = this.children(n);
        const offset = this.offsetDuration(kids[kids.length - 1]);
        return this.rebind(this.expr(kids[0]), (target) => {
          const sel = target.kind === 'matrixSelector' ? target.selector : target;
          if (sel.kind !== 'vectorSelector' && sel.kind !== 'subquery')
            this.fail(
              target.start,
              'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery',
            );
          if (sel.offsetMs !== 0) this.fail(kids[1].from, 'offset may not be set multiple times');
          sel.offsetMs = offset;
          return { ...target, end } as Expr;
        });
      }
      case 'StepInvariantExpr': {
        const kids = this.children(n);
        const atNode = kids[kids.length - 1];
        let at: AtModifier;
        if (atNode.name === 'AtModifierPreprocessors') {
          at = { edge: atNode.firstChild?.name === 'AtEnd' ? 'end' : 'start' };
        } else {
          const num = this.expr(atNode);
          if (num.kind !== 'number') this.fail(atNode.from, 'unexpected @ value');
          if (!Number.isFinite(num.value))
            this.fail(atNode.from, `timestamp out of bounds for @ modifier: ${num.value}`);
          at = { ms: Math.round(num.value * 1000) };
        }
        return this.rebind(this.expr(kids[0]), (target) => {
          const sel = target.kind === 'matrixSelector' ? target.selector : target;
          if (sel.kind !== 'vectorSelector' && sel.kind !== 'subquery')
            this.fail(
              target.start,
              '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery',
            );
          if (sel.at) this.fail(kids[1].from, '@ <timestamp> may not be set multiple times');
          sel.at = at;
          return { ...target, end } as Expr;
        });
      }
      case 'ParenExpr': {
        const kids = this.children(n);
        return { kind: 'paren', expr: this.expr(kids[0]), start, end };
      }
      case 'UnaryExpr': {
        const kids = this.children(n);
        const op = this.text(kids[0]) === '-' ? '-' : '+';
        const inner = this.expr(kids[1]);
        const t = this.typeOf(inner);
        if (t !== 'scalar' && t !== 'vector')
          this.fail(
            start,
            `unary expression only allowed on expressions of type scalar or instant vector, got "${TYPE_NAME[t]}"`,
          );
        if (inner.kind === 'number')
          return { kind: 'number', value: op === '-' ? -inner.value : inner.value, start, end };
        return { kind: 'unary', op, expr: inner, start, end };
      }
      case 'FunctionCall':
        return this.call(n);
      case 'AggregateExpr':
        return this.aggregate(n);
      case 'BinaryExpr':
        return this.binary(n);
      default:
        this.fail(start, `unexpected ${n.name}`);
    }
  }

  /**
   * Applies a postfix (offset, @, [range], [range:step]) to the rightmost
   * operand: the grammar attaches postfixes to whole binary and unary
   * expressions, Prometheus binds them tighter than any operator.
   */
  rebind(e: Expr, apply: (operand: Expr) => Expr): Expr {
    if (e.kind === 'binary') {
      const rhs = this.rebind(e.rhs, apply);
      return this.binaryNode(e.op, e.lhs, rhs, e.bool, e.matching, e.start, rhs.end);
    }
    if (e.kind === 'unary') {
      const inner = this.rebind(e.expr, apply);
      const t = this.typeOf(inner);
      if (t !== 'scalar' && t !== 'vector')
        this.fail(
          e.start,
          `unary expression only allowed on expressions of type scalar or instant vector, got "${TYPE_NAME[t]}"`,
        );
      return { ...e, expr: inner, end: inner.end };
    }
    return apply(e);
  }

  str(n: SyntaxNode): string {
    try {
      return unquote(this.text(n));
    } catch (err) {
      this.fail(n.from, (err as Error).message);
    }
  }

  duration(n: SyntaxNode): number {
    const t = this.text(n).trim();
    const ms = parseDurationMs(t);
    if (ms === null) {
      if (/^\d+$/.test(t)) this.fail(n.from, 'missing unit character in duration');
      this.fail(n.from, `bad duration syntax: "${t}"`);
    }
    return ms;
  }

  offsetDuration(n: SyntaxNode): number {
    const kids = this.children(n);
    if (kids.length === 2 && kids[0].name === 'UnaryOp') {
      const v = this.offsetDuration(kids[1]);
      return this.text(kids[0]) === '-' ? -v : v;
    }
    return this.duration(n);
  }

  vectorSelector(n: SyntaxNode): VectorSelector {
    let name: string | null = null;
    const matchers: Matcher[] = [];
    for (const c of this.children(n)) {
      if (c.name === 'Identifier' || c.name === 'MetricName') name = this.text(c);
      else if (c.name === 'LabelMatchers') {
        for (const m of this.children(c)) {
          if (m.name === 'QuotedLabelName') {
            const metric = this.str(m.firstChild!);
            if (name !== null)
              this.fail(
                m.from,
                `metric name must not be set twice: ${JSON.stringify(name)} or ${JSON.stringify(metric)}`,
              );
            name = metric;
            continue;
          }
          const kids = this.children(m);
          const labelName =
            kids[0].name === 'QuotedLabelName' ? this.str(kids[0].firstChild!) : this.text(kids[0]);
          const opNode = kids[1].firstChild ?? kids[1];
          const type = MATCH_OPS[opNode.name];
          if (!type) this.fail(kids[1].from, `unexpected ${this.text(kids[1])} in label matching`);
          const value = this.str(kids[2]);
          if (type === '=~' || type === '!~') {
            try {
              compileAnchored(value);
            } catch (err) {
              this.fail(kids[2].from, `error parsing regexp: ${(err as Error).message}`);
            }
          }
          matchers.push({ type, name: labelName, value });
        }
      }
    }
    if (name !== null) {
      for (const m of matchers) {
        if (m.name === '__name__')
          this.fail(
            n.from,
            `metric name must not be set twice: ${JSON.stringify(name)} or ${JSON.stringify(m.value)}`,
          );
      }
      matchers.unshift({ type: '=', name: '__name__', value: name });
    }
    const nonEmpty = matchers.some((m) => {
      switch (m.type) {
        case '=':
          return m.value !== '';
        case '!=':
          return m.value === '';
        case '=~':
          return !compileAnchored(m.value).test('');
        default:
          return compileAnchored(m.value).test('');
      }
    });
    if (!nonEmpty) this.fail(n.from, 'vector selector must contain at least one non-empty matcher');
    return { kind: 'vectorSelector', name, matchers, offsetMs: 0, at: null, start: n.from, end: n.to };
  }

  call(n: SyntaxNode): Expr {
    const kids = this.children(n);
    const id = kids[0];
    let name = this.text(id).trim();
    const extName = this.ext.get(id.from);
    if (extName) name = extName;
    const def = getFunction(name);
    if (!def) this.fail(n.from, `unknown function with name ${JSON.stringify(name)}`);
    const args = this.children(kids[1]).map((a) => this.expr(a));
    const nargs = def.argTypes.length;
    const variadic = def.variadic ?? 0;
    const fname = JSON.stringify(name);
    if (variadic === 0) {
      if (nargs !== args.length)
        this.fail(n.from, `expected ${nargs} argument(s) in call to ${fname}, got ${args.length}`);
    } else {
      const min = nargs - 1;
      if (min > args.length)
        this.fail(n.from, `expected at least ${min} argument(s) in call to ${fname}, got ${args.length}`);
      if (variadic > 0 && min + variadic < args.length)
        this.fail(
          n.from,
          `expected at most ${min + variadic} argument(s) in call to ${fname}, got ${args.length}`,
        );
    }
    args.forEach((a, i) => {
      if (i >= nargs && variadic === 0) return;
      const want = def.argTypes[Math.min(i, nargs - 1)];
      this.expectType(a, want, `call to function ${fname}`);
    });
    return { kind: 'call', name, args, start: n.from, end: n.to };
  }

  aggregate(n: SyntaxNode): Expr {
    let op: AggregateOp | null = null;
    let grouping: string[] = [];
    let without = false;
    let body: SyntaxNode | null = null;
    for (const c of this.children(n)) {
      if (c.name === 'AggregateOp') op = this.text(c).toLowerCase() as AggregateOp;
      else if (c.name === 'AggregateModifier') {
        for (const m of this.children(c)) {
          if (m.name === 'Without') without = true;
          if (m.name === 'GroupingLabels') grouping = this.grouping(m);
        }
      } else if (c.name === 'FunctionCallBody') body = c;
    }
    if (!op || !AGG_OPS.has(op)) this.fail(n.from, `unknown aggregation operator ${op}`);
    const args = body ? this.children(body).map((a) => this.expr(a)) : [];
    const want = AGG_WITH_PARAM.has(op) ? 2 : 1;
    if (args.length !== want)
      this.fail(
        n.from,
        `wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`,
      );
    const expr = args[want - 1];
    const param = want === 2 ? args[0] : null;
    this.expectType(expr, 'vector', 'aggregation expression');
    if (param) this.expectType(param, op === 'count_values' ? 'string' : 'scalar', 'aggregation parameter');
    return { kind: 'aggregate', op, expr, param, grouping, without, start: n.from, end: n.to };
  }

  grouping(n: SyntaxNode): string[] {
    return this.children(n).map((l) =>
      l.name === 'QuotedLabelName' ? this.str(l.firstChild!) : this.text(l),
    );
  }

  binary(n: SyntaxNode): Expr {
    const kids = this.children(n);
    const lhsNode = kids[0];
    const opNode = kids[1];
    const op = BIN_OP_NODES[opNode.name];
    if (!op) this.fail(opNode.from, `unexpected ${this.text(opNode)}`);
    let bool = false;
    let clause: SyntaxNode | null = null;
    let i = 2;
    for (; i < kids.length - 1; i++) {
      if (kids[i].name === 'BoolModifier') bool = true;
      else if (kids[i].name === 'MatchingModifierClause') clause = kids[i];
    }
    const rhs = this.expr(kids[kids.length - 1]);
    let lhs = this.expr(lhsNode);
    // A signed literal on the left of ^ is a unary minus of the power, as in Prometheus.
    const lhsText = this.text(lhsNode);
    if (
      op === '^' &&
      lhsNode.name === 'NumberDurationLiteral' &&
      (lhsText[0] === '-' || lhsText[0] === '+') &&
      lhs.kind === 'number'
    ) {
      const abs = { ...lhs, value: Math.abs(lhs.value) };
      if (Number.isNaN(lhs.value)) abs.value = lhs.value;
      const pow = this.binaryNode('^', abs, rhs, false, null, n.from, n.to);
      if (lhsText[0] === '+') return pow;
      return { kind: 'unary', op: '-', expr: pow, start: n.from, end: n.to };
    }
    let matching: VectorMatching | null = null;
    if (clause) {
      let on = false;
      let labels: string[] = [];
      let include: string[] = [];
      let card: VectorMatching['card'] = 'one-to-one';
      let seenGroup = false;
      for (const c of this.children(clause)) {
        if (c.name === 'On') on = true;
        else if (c.name === 'GroupLeft') {
          card = 'many-to-one';
          seenGroup = true;
        } else if (c.name === 'GroupRight') {
          card = 'one-to-many';
          seenGroup = true;
        } else if (c.name === 'GroupingLabels') {
          if (seenGroup) include = this.grouping(c);
          else labels = this.grouping(c);
        }
      }
      matching = { card, on, labels, include };
    }
    lhs = lhs as Expr;
    return this.binaryNode(op, lhs, rhs, bool, matching, n.from, n.to);
  }

  binaryNode(
    op: BinaryOp,
    lhs: Expr,
    rhs: Expr,
    bool: boolean,
    matching: VectorMatching | null,
    from: number,
    to: number,
  ): Expr {
    const n = { from, to };
    const lt = this.typeOf(lhs);
    const rt = this.typeOf(rhs);
    const isCmp = COMPARISON_OPS.has(op);
    const isSet = SET_OPS.has(op);
    if (bool && !isCmp) this.fail(n.from, 'bool modifier can only be used on comparison operators');
    if (isCmp && !bool && lt === 'scalar' && rt === 'scalar')
      this.fail(n.from, 'comparisons between scalars must use BOOL modifier');
    let m: VectorMatching | null = matching ?? { card: 'one-to-one', on: false, labels: [], include: [] };
    if (isSet && m.card === 'one-to-one') m = { ...m, card: 'many-to-many' };
    if (m.on) {
      for (const l of m.labels) {
        if (m.include.includes(l))
          this.fail(n.from, `label ${JSON.stringify(l)} must not occur in ON and GROUP clause at once`);
      }
    }
    if (lt !== 'scalar' && lt !== 'vector')
      this.fail(lhs.start, 'binary expression must contain only scalar and instant vector types');
    if (rt !== 'scalar' && rt !== 'vector')
      this.fail(rhs.start, 'binary expression must contain only scalar and instant vector types');
    if (lt !== 'vector' || rt !== 'vector') {
      if (matching && matching.labels.length > 0)
        this.fail(n.from, 'vector matching only allowed between instant vectors');
      m = null;
    } else if (isSet) {
      if (m.card === 'one-to-many' || m.card === 'many-to-one')
        this.fail(n.from, `no grouping allowed for "${op}" operation`);
    }
    if ((lt === 'scalar' || rt === 'scalar') && isSet)
      this.fail(n.from, `set operator "${op}" not allowed in binary scalar expression`);
    return { kind: 'binary', op, lhs, rhs, bool, matching: m, start: from, end: to };
  }

  expectType(e: Expr, want: ValueType, context: string): void {
    const got = this.typeOf(e);
    if (got !== want)
      this.fail(e.start, `expected type ${TYPE_NAME[want]} in ${context}, got ${TYPE_NAME[got]}`);
  }

  typeOf(e: Expr): ValueType {
    return typeOf(e);
  }
}

export function typeOf(e: Expr): ValueType {
  switch (e.kind) {
    case 'number':
      return 'scalar';
    case 'string':
      return 'string';
    case 'vectorSelector':
      return 'vector';
    case 'matrixSelector':
    case 'subquery':
      return 'matrix';
    case 'call':
      return getFunction(e.name)?.returnType ?? 'vector';
    case 'aggregate':
      return 'vector';
    case 'binary':
      return typeOf(e.lhs) === 'scalar' && typeOf(e.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'unary':
    case 'paren':
      return typeOf(e.expr);
  }
}

/** Parses a PromQL expression; throws QueryError('bad_data') with Prometheus-style messages. */
export function parseExpr(query: string): Expr {
  if (query.trim() === '')
    throw new QueryError(formatError(query, 0, 'no expression found in input'), 'bad_data');
  const { text, names } = substituteExtensions(query);
  const tree = lezer.parse(text);
  const b = new Builder(text, names);
  try {
    b.checkErrors(tree.topNode);
    return b.expr(tree.topNode);
  } catch (err) {
    if (err instanceof ParseFail) throw new QueryError(formatError(query, err.pos, err.message), 'bad_data');
    throw err;
  }
}
