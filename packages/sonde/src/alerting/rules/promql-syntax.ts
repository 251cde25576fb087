// PromQL checking for rule files: sonde's own parser (the one that evaluates
// the rules; syntax, function names, argument types, Prometheus's messages).
// sonde's analytics extension functions may not be registered in the engine
// where this runs (`sonde check rules` loads no analytics), so an expression
// rejected only for naming one of them is checked again by the Prometheus
// project's grammar (@prometheus-io/lezer-promql), with each such name
// swapped for a built-in of the same shape (padded, so offsets stay exact).
import { parser } from '@prometheus-io/lezer-promql';
import { parseExpr } from '../../query/index.js';

/** sonde's PromQL extension functions (issue #6) and a built-in with the same argument shape. */
export const EXTENSION_FUNCTIONS: Readonly<Record<string, string>> = {
  anomaly_score: 'deriv',
  forecast_linear: 'predict_linear',
  forecast_holt_winters: 'predict_linear',
  time_to_threshold: 'predict_linear',
  trend_slope: 'deriv',
};

const EXT_RE = new RegExp(`\\b(${Object.keys(EXTENSION_FUNCTIONS).join('|')})(\\s*\\()`, 'g');

export interface SyntaxProblem {
  readonly message: string;
  /** Offset in the expression. */
  readonly offset: number;
}

/** Offset of a 1-based "line:col" position in `text`. */
function offsetOf(text: string, line: number, col: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) break;
    offset = nl + 1;
  }
  return Math.min(text.length, offset + Math.max(0, col - 1));
}

/** Null when `expr` is valid PromQL (sonde's extension functions included); the first problem otherwise. */
export function checkPromQL(expr: string): SyntaxProblem | null {
  if (expr.trim() === '') return { message: 'no expression found in input', offset: 0 };
  try {
    parseExpr(expr);
    return null;
  } catch (e) {
    const message = (e as Error).message;
    const unknown = /unknown function with name "([^"]+)"/.exec(message);
    if (!unknown || !(unknown[1] in EXTENSION_FUNCTIONS)) {
      const pos = /^(\d+):(\d+): /.exec(message);
      return { message, offset: pos ? offsetOf(expr, Number(pos[1]), Number(pos[2])) : 0 };
    }
  }
  return checkGrammar(expr);
}

function checkGrammar(expr: string): SyntaxProblem | null {
  const text = expr.replace(EXT_RE, (_m, name: string, paren: string) => {
    const builtin = EXTENSION_FUNCTIONS[name];
    return builtin + ' '.repeat(name.length - builtin.length) + paren;
  });
  const tree = parser.parse(text);
  let first: number | null = null;
  tree.iterate({
    enter: (n) => {
      if (first === null && n.type.isError) first = n.from;
      return first === null;
    },
  });
  if (first === null) return null;
  const at = first as number;
  const near = expr.slice(at, at + 20).trim();
  return {
    message: near
      ? `syntax error at char ${at + 1}: unexpected "${near.split(/\s/)[0]}"`
      : 'syntax error: unexpected end of input',
    offset: at,
  };
}
