// Registers every built-in PromQL function family (Prometheus 2.x's documented
// set). Import for its effect; extensions call registerFunction themselves.
import { registerHistogramFunctions } from './histogram.js';
import { registerLabelFunctions } from './labels.js';
import { registerMathFunctions } from './math.js';
import { registerMiscFunctions } from './misc.js';
import { registerOverTimeFunctions } from './over-time.js';
import { registerRateFunctions } from './rate.js';
import { registerTimeFunctions } from './time.js';

registerRateFunctions();
registerOverTimeFunctions();
registerMathFunctions();
registerTimeFunctions();
registerLabelFunctions();
registerHistogramFunctions();
registerMiscFunctions();

export {
  type CallContext,
  type FunctionDef,
  type RangeWindow,
  functionNames,
  getFunction,
  registerFunction,
} from './registry.js';
