// Alerting: Prometheus rule files, alert state, Alertmanager-style routing,
// silences, inhibition and receivers, and a durable outbox for delivery.
import type { RuleProblem } from './rules/file.js';

export {
  alertingConfigProblems,
  createAlerting,
  expandRuleFiles,
  type Alerting,
  type AlertingOptions,
} from './alerting.js';
export { BUILTIN_FILE, builtinGroups, builtinRuleNames } from './builtin-rules.js';
export { FakeClock, systemClock, type Clock } from './clock.js';
export type { OutboxRecord } from './notify/outbox.js';
export { IDEMPOTENCY_HEADER } from './notify/receivers/types.js';
export {
  SilenceError,
  type Silence,
  type SilenceInput,
  type SilenceMatcher,
  type SilenceState,
} from './notify/silences.js';
export {
  loadRuleFile,
  parseRuleText,
  type GroupSpec,
  type RuleProblem,
  type RuleSpec,
} from './rules/file.js';
export { checkPromQL, EXTENSION_FUNCTIONS } from './rules/promql-syntax.js';
export type { AlertJson, AlertingStatus, RuleJson } from './status.js';
export { RuleTemplate, TemplateError } from './template/index.js';

/** `FILE:LINE:COL: message`, as promtool prints a problem. */
export function formatRuleProblem(p: RuleProblem): string {
  return p.line ? `${p.file}:${p.line}:${p.column}: ${p.message}` : `${p.file}: ${p.message}`;
}
