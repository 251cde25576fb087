// Prometheus rule files, read unchanged: `groups:` of alerting and recording
// rules. Every problem names its file, line and column, as `promtool check
// rules` does, and a file with problems loads nothing.
import { readFile } from 'node:fs/promises';
import { LineCounter, type Node as YamlNode, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { parseDuration } from '../../config/duration.js';
import { checkTemplate } from '../template/index.js';
import { checkPromQL } from './promql-syntax.js';

export interface RuleSpec {
  readonly kind: 'alert' | 'record';
  /** The alert name, or the recorded metric name. */
  readonly name: string;
  readonly expr: string;
  readonly forMs: number;
  readonly keepFiringForMs: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Where the rule starts in its file (1-based), 0 for rules not from a file. */
  readonly line: number;
}

export interface GroupSpec {
  readonly name: string;
  /** The file it came from; built-in groups use a name in angle brackets. */
  readonly file: string;
  /** Evaluation interval; undefined means the global default. */
  readonly intervalMs?: number;
  /** Most alerts (or series, for recording rules) a rule may produce; 0 = no limit. */
  readonly limit: number;
  readonly queryOffsetMs: number;
  /** Labels added to every rule of the group (Prometheus 3 group labels). */
  readonly labels: Readonly<Record<string, string>>;
  readonly rules: readonly RuleSpec[];
}

export interface RuleProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export interface ParsedRuleFile {
  readonly groups: GroupSpec[];
  readonly problems: RuleProblem[];
  /** Rules found (in groups without problems too). */
  readonly ruleCount: number;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const GROUP_KEYS = new Set(['name', 'interval', 'limit', 'query_offset', 'labels', 'rules']);
const RULE_KEYS = new Set(['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations']);

/** A Prometheus duration: "5m", "1h30m", "0". */
export function parsePromDuration(text: string): number {
  if (text === '0') return 0;
  return parseDuration(text);
}

/** Parses and validates one rule file's text. */
export function parseRuleText(
  text: string,
  file: string,
  opts: { checkExpr?: typeof checkPromQL } = {},
): ParsedRuleFile {
  const check = opts.checkExpr ?? checkPromQL;
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  const problems: RuleProblem[] = [];
  const at = (offset: number) => lc.linePos(offset);
  const problem: Report = (where, message) => {
    if (where && 'line' in where) {
      problems.push({ file, line: where.line, column: where.column, message });
      return;
    }
    const pos = at(where?.range?.[0] ?? 0);
    problems.push({ file, line: pos.line, column: pos.col, message });
  };
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = at(e.pos[0]);
      problems.push({ file, line: pos.line, column: pos.col, message: e.message.split('\n')[0] });
    }
    return { groups: [], problems, ruleCount: 0 };
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
    return { groups: [], problems, ruleCount: 0 };
  }
  if (!isMap(root)) {
    problem(root, 'a rule file must be a mapping with a "groups" key');
    return { groups: [], problems, ruleCount: 0 };
  }
  let groupsNode: YamlNode | null = null;
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key === 'groups') groupsNode = pair.value as YamlNode;
    else problem(pair.key as YamlNode, `field ${key} not found in type rulefmt.RuleGroups`);
  }
  const groups: GroupSpec[] = [];
  let ruleCount = 0;
  if (groupsNode === null || (isScalar(groupsNode) && groupsNode.value === null))
    return { groups, problems, ruleCount };
  if (!isSeq(groupsNode)) {
    problem(groupsNode, '"groups" must be a list');
    return { groups, problems, ruleCount };
  }
  const seen = new Set<string>();
  for (const gNode of groupsNode.items as YamlNode[]) {
    if (!isMap(gNode)) {
      problem(gNode, 'a group must be a mapping');
      continue;
    }
    const before = problems.length;
    const g: Record<string, YamlNode> = {};
    for (const pair of gNode.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!GROUP_KEYS.has(key))
        problem(pair.key as YamlNode, `field ${key} not found in type rulefmt.RuleGroup`);
      else g[key] = pair.value as YamlNode;
    }
    const name = scalarString(g.name);
    if (!name) problem(g.name ?? gNode, 'Groupname must not be empty');
    else if (seen.has(name)) problem(g.name, `groupname: "${name}" is repeated in the same file`);
    if (name) seen.add(name);
    const intervalMs = g.interval ? durationOf(g.interval, 'interval', problem) : undefined;
    if (intervalMs === 0) problem(g.interval, 'interval must be greater than 0');
    const queryOffsetMs = g.query_offset ? (durationOf(g.query_offset, 'query_offset', problem) ?? 0) : 0;
    const limit = g.limit ? Number(scalarString(g.limit)) : 0;
    if (!Number.isInteger(limit) || limit < 0) problem(g.limit, 'limit must be a non-negative integer');
    const groupLabels = g.labels ? stringMap(g.labels, 'labels', problem, true) : {};
    const rules: RuleSpec[] = [];
    const rulesNode = g.rules;
    if (rulesNode && !isSeq(rulesNode) && !(isScalar(rulesNode) && rulesNode.value === null)) {
      problem(rulesNode, '"rules" must be a list');
    } else if (rulesNode && isSeq(rulesNode)) {
      (rulesNode.items as YamlNode[]).forEach((rNode, i) => {
        ruleCount++;
        const rule = parseRule(rNode, i + 1, name ?? '', check, problem, at);
        if (rule) rules.push(rule);
      });
    }
    if (problems.length === before && name) {
      groups.push({
        name,
        file,
        ...(intervalMs !== undefined ? { intervalMs } : {}),
        limit,
        queryOffsetMs,
        labels: groupLabels,
        rules,
      });
    }
  }
  return { groups: problems.length ? [] : groups, problems, ruleCount };
}

/** Where a problem is: a YAML node, or an exact line and column. */
type Where = YamlNode | { readonly line: number; readonly column: number } | null | undefined;
type Report = (where: Where, message: string) => void;

function scalarString(node: YamlNode | undefined): string | undefined {
  if (!node || !isScalar(node) || node.value === null) return undefined;
  return String(node.value);
}

function durationOf(node: YamlNode, what: string, problem: Report): number | undefined {
  const text = scalarString(node);
  if (text === undefined) {
    problem(node, `${what} must be a duration`);
    return undefined;
  }
  try {
    return parsePromDuration(text);
  } catch {
    problem(node, `not a valid duration string: "${text}"`);
    return undefined;
  }
}

function stringMap(
  node: YamlNode,
  what: string,
  problem: Report,
  labelNames: boolean,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (isScalar(node) && node.value === null) return out;
  if (!isMap(node)) {
    problem(node, `${what} must be a mapping of names to strings`);
    return out;
  }
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as YamlNode | null;
    if (!LABEL_NAME.test(key))
      problem(pair.key as YamlNode, `invalid ${what === 'labels' ? 'label' : 'annotation'} name: ${key}`);
    else if (labelNames && key === '__name__') problem(pair.key as YamlNode, 'invalid label name: __name__');
    if (value && !isScalar(value)) problem(value, `${what}.${key} must be a string`);
    out[key] = value && isScalar(value) && value.value !== null ? String(value.value) : '';
  }
  return out;
}

function parseRule(
  node: YamlNode,
  index: number,
  group: string,
  check: typeof checkPromQL,
  report: Report,
  at: (offset: number) => { line: number; col: number },
): RuleSpec | null {
  if (!isMap(node)) {
    report(node, `group "${group}", rule ${index}: a rule must be a mapping`);
    return null;
  }
  const r: Record<string, YamlNode> = {};
  let label = '';
  const prefix = () => `group "${group}", rule ${index}${label ? `, ${label}` : ''}: `;
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!RULE_KEYS.has(key))
      report(
        pair.key as YamlNode,
        `group "${group}", rule ${index}: field ${key} not found in type rulefmt.RuleNode`,
      );
    else r[key] = pair.value as YamlNode;
  }
  const alert = scalarString(r.alert);
  const record = scalarString(r.record);
  label = JSON.stringify(alert ?? record ?? '');
  let ok = true;
  const fail: Report = (where, message) => {
    ok = false;
    report(where, prefix() + message);
  };
  if (alert !== undefined && record !== undefined) fail(node, "only one of 'record' and 'alert' must be set");
  if (alert === undefined && record === undefined) fail(node, "one of 'record' or 'alert' must be set");
  if (record !== undefined && !METRIC_NAME.test(record))
    fail(r.record, `invalid recording rule name: ${record}`);
  if (alert !== undefined && alert.trim() === '') fail(r.alert, 'alert name must not be empty');
  const expr = scalarString(r.expr);
  if (expr === undefined || expr.trim() === '') fail(r.expr ?? node, "field 'expr' must be set in rule");
  else {
    const bad = check(expr);
    if (bad) {
      const exprNode = r.expr!;
      const source = isScalar(exprNode) ? exprNode : null;
      const block = source && (source.type === 'BLOCK_LITERAL' || source.type === 'BLOCK_FOLDED');
      const start = exprNode.range![0];
      const linesBefore = expr.slice(0, bad.offset).split('\n').length - 1;
      const line = at(start).line + linesBefore + (block ? 1 : 0);
      const column =
        block || linesBefore > 0
          ? bad.offset - expr.lastIndexOf('\n', bad.offset - 1)
          : at(start).col + bad.offset;
      fail({ line, column }, `could not parse expression: ${bad.message}`);
    }
  }
  if (record !== undefined) {
    if (r.for) fail(r.for, "invalid field 'for' in recording rule");
    if (r.keep_firing_for) fail(r.keep_firing_for, "invalid field 'keep_firing_for' in recording rule");
    if (r.annotations) fail(r.annotations, "invalid field 'annotations' in recording rule");
  }
  const forMs = r.for ? durationOf(r.for, 'for', fail) : 0;
  const keepMs = r.keep_firing_for ? durationOf(r.keep_firing_for, 'keep_firing_for', fail) : 0;
  const labels = r.labels ? stringMap(r.labels, 'labels', fail, true) : {};
  const annotations = r.annotations ? stringMap(r.annotations, 'annotations', fail, false) : {};
  for (const [kind, map, mapNode] of [
    ['label', labels, r.labels],
    ['annotation', annotations, r.annotations],
  ] as const) {
    for (const [k, v] of Object.entries(map)) {
      const err = checkTemplate(v);
      if (err && mapNode && isMap(mapNode)) {
        const pair = mapNode.items.find((p) => isScalar(p.key) && String(p.key.value) === k);
        fail((pair?.value as YamlNode) ?? mapNode, `${kind} ${k}: template: ${err.message}`);
      }
    }
  }
  if (!ok) return null;
  return {
    kind: alert !== undefined ? 'alert' : 'record',
    name: (alert ?? record)!,
    expr: expr!,
    forMs: forMs ?? 0,
    keepFiringForMs: keepMs ?? 0,
    labels,
    annotations,
    line: at(node.range![0]).line,
  };
}

/** Reads and parses a rule file from disk. */
export async function loadRuleFile(path: string): Promise<ParsedRuleFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return {
      groups: [],
      problems: [{ file: path, line: 0, column: 0, message: (e as Error).message }],
      ruleCount: 0,
    };
  }
  return parseRuleText(text, path);
}
