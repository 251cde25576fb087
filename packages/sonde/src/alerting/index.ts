// Alerting: Prometheus rule files, alert state, Alertmanager-style routing and receivers.
export { FakeClock, systemClock, type Clock } from './clock.js';
export {
  loadRuleFile,
  parseRuleText,
  type GroupSpec,
  type RuleProblem,
  type RuleSpec,
} from './rules/file.js';
export { checkPromQL, EXTENSION_FUNCTIONS } from './rules/promql-syntax.js';
export { RuleTemplate, TemplateError } from './template/index.js';
import type { RuleProblem } from './rules/file.js';

/** `FILE:LINE:COL: message`, as promtool prints a problem. */
export function formatRuleProblem(p: RuleProblem): string {
  return p.line ? `${p.file}:${p.line}:${p.column}: ${p.message}` : `${p.file}: ${p.message}`;
}
