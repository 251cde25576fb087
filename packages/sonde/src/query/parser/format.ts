// AST → PromQL text in Prometheus's canonical single-line form (what
// /api/v1/format_query answers and what error messages quote).
import type { AtModifier, Expr, VectorSelector } from './ast.js';
import { formatDurationMs } from './lex.js';

function quote(s: string): string {
  return JSON.stringify(s);
}

function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function modifiers(offsetMs: number, at: AtModifier | null): string {
  let out = '';
  if (at) {
    if ('ms' in at) out += ` @ ${(at.ms / 1000).toFixed(3)}`;
    else out += ` @ ${at.edge}()`;
  }
  if (offsetMs > 0) out += ` offset ${formatDurationMs(offsetMs)}`;
  else if (offsetMs < 0) out += ` offset -${formatDurationMs(-offsetMs)}`;
  return out;
}

function selector(vs: VectorSelector): string {
  const ms = vs.matchers.filter((m) => !(vs.name !== null && m.name === '__name__' && m.type === '='));
  const inner = ms.map((m) => `${m.name}${m.type}${quote(m.value)}`).join(', ');
  return `${vs.name ?? ''}${inner || vs.name === null ? `{${inner}}` : ''}`;
}

function grouping(labels: readonly string[]): string {
  return `(${labels.join(', ')})`;
}

export function formatExpr(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return formatNumber(e.value);
    case 'string':
      return quote(e.value);
    case 'paren':
      return `(${formatExpr(e.expr)})`;
    case 'unary':
      return `${e.op}${formatExpr(e.expr)}`;
    case 'vectorSelector':
      return selector(e) + modifiers(e.offsetMs, e.at);
    case 'matrixSelector':
      return `${selector(e.selector)}[${formatDurationMs(e.rangeMs)}]${modifiers(e.selector.offsetMs, e.selector.at)}`;
    case 'subquery':
      return `${formatExpr(e.expr)}[${formatDurationMs(e.rangeMs)}:${e.stepMs ? formatDurationMs(e.stepMs) : ''}]${modifiers(e.offsetMs, e.at)}`;
    case 'call':
      return `${e.name}(${e.args.map(formatExpr).join(', ')})`;
    case 'aggregate': {
      let mod = '';
      if (e.without) mod = ` without ${grouping(e.grouping)} `;
      else if (e.grouping.length > 0) mod = ` by ${grouping(e.grouping)} `;
      const args = e.param ? `${formatExpr(e.param)}, ${formatExpr(e.expr)}` : formatExpr(e.expr);
      return `${e.op}${mod}(${args})`;
    }
    case 'binary': {
      let op = e.op as string;
      if (e.bool) op += ' bool';
      const m = e.matching;
      if (m && (m.on || m.labels.length > 0 || m.card === 'many-to-one' || m.card === 'one-to-many')) {
        if (m.on || m.labels.length > 0) op += ` ${m.on ? 'on' : 'ignoring'}${grouping(m.labels)}`;
        if (m.card === 'many-to-one') op += ` group_left${grouping(m.include)}`;
        if (m.card === 'one-to-many') op += ` group_right${grouping(m.include)}`;
      }
      return `${formatExpr(e.lhs)} ${op} ${formatExpr(e.rhs)}`;
    }
  }
}
