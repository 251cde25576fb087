// PromQL syntax checking for rule files, with the Prometheus project's own
// grammar (@prometheus-io/lezer-promql). sonde's analytics extension functions
// are not in that grammar, so their names are swapped for a built-in of the
// same shape (padded with spaces, so offsets stay exact) before parsing.
import { parser } from '@prometheus-io/lezer-promql';

/** sonde's PromQL extension functions (issue #6) and a built-in with the same argument shape. */
export const EXTENSION_FUNCTIONS: Readonly<Record<string, string>> = {
  anomaly_score: 'abs',
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

/** Null when `expr` is valid PromQL (sonde's extension functions included); the first problem otherwise. */
export function checkPromQL(expr: string): SyntaxProblem | null {
  if (expr.trim() === '') return { message: 'no expression found in input', offset: 0 };
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
