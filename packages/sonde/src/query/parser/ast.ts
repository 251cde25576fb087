// The typed PromQL syntax tree that the engine evaluates. Built from the
// lezer tree by parse.ts; positions are offsets into the query text.
import type { Matcher } from '../../storage/types.js';

export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

/** Human names, as Prometheus's error messages use them. */
export const TYPE_NAME: Record<ValueType, string> = {
  scalar: 'scalar',
  vector: 'instant vector',
  matrix: 'range vector',
  string: 'string',
};

export interface Pos {
  readonly start: number;
  readonly end: number;
}

/** `@ <time>`, `@ start()` or `@ end()`. */
export type AtModifier = { readonly ms: number } | { readonly edge: 'start' | 'end' };

export interface NumberLiteral extends Pos {
  readonly kind: 'number';
  readonly value: number;
}

export interface StringLiteral extends Pos {
  readonly kind: 'string';
  readonly value: string;
}

export interface VectorSelector extends Pos {
  readonly kind: 'vectorSelector';
  readonly name: string | null;
  /** All matchers, the metric name's (`__name__="..."`) included. */
  readonly matchers: readonly Matcher[];
  offsetMs: number;
  at: AtModifier | null;
}

export interface MatrixSelector extends Pos {
  readonly kind: 'matrixSelector';
  readonly selector: VectorSelector;
  readonly rangeMs: number;
}

export interface Subquery extends Pos {
  readonly kind: 'subquery';
  readonly expr: Expr;
  readonly rangeMs: number;
  /** 0: the default (evaluation interval). */
  readonly stepMs: number;
  offsetMs: number;
  at: AtModifier | null;
}

export interface Call extends Pos {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly Expr[];
}

export type AggregateOp =
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'count'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'quantile'
  | 'count_values'
  | 'group';

export interface Aggregate extends Pos {
  readonly kind: 'aggregate';
  readonly op: AggregateOp;
  readonly expr: Expr;
  readonly param: Expr | null;
  readonly grouping: readonly string[];
  readonly without: boolean;
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2';
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
export type SetOp = 'and' | 'or' | 'unless';
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp;

export interface VectorMatching {
  readonly card: 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';
  /** true: `on(labels)`; false: `ignoring(labels)` (or no clause). */
  readonly on: boolean;
  readonly labels: readonly string[];
  /** `group_left(include...)` / `group_right(include...)`. */
  readonly include: readonly string[];
}

export interface Binary extends Pos {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly lhs: Expr;
  readonly rhs: Expr;
  readonly bool: boolean;
  /** Present when both sides are instant vectors. */
  readonly matching: VectorMatching | null;
}

export interface Unary extends Pos {
  readonly kind: 'unary';
  readonly op: '-' | '+';
  readonly expr: Expr;
}

export interface Paren extends Pos {
  readonly kind: 'paren';
  readonly expr: Expr;
}

export type Expr =
  | NumberLiteral
  | StringLiteral
  | VectorSelector
  | MatrixSelector
  | Subquery
  | Call
  | Aggregate
  | Binary
  | Unary
  | Paren;

export const COMPARISON_OPS: ReadonlySet<string> = new Set(['==', '!=', '>', '<', '>=', '<=']);
export const SET_OPS: ReadonlySet<string> = new Set(['and', 'or', 'unless']);

/** Strips parentheses. */
export function unwrapParens(e: Expr): Expr {
  while (e.kind === 'paren') e = e.expr;
  return e;
}
