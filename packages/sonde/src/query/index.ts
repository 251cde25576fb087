// The query stage: PromQL over the Storage seam.
export * from './types.js';
export {
  createQueryEngine,
  engineOptionsFromConfig,
  type EngineOptions,
  type PromQLEngine,
} from './engine.js';
export {
  type CallContext,
  type FunctionDef,
  type RangeWindow,
  functionNames,
  getFunction,
  registerFunction,
} from './functions/index.js';
export type {
  EvalValue,
  MatrixValue,
  RawSeries,
  ScalarValue,
  StepSeries,
  StringValue,
  VectorValue,
} from './eval/values.js';
export type * from './parser/ast.js';
export { parseExpr } from './parser/parse.js';
export { formatFloatF } from './eval/aggregate.js';
export { formatExpr } from './parser/format.js';
