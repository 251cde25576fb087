// Prometheus relabeling (relabel_configs, metric_relabel_configs) with its
// exact semantics: source values joined by the separator, regexes fully
// anchored, Go-style `$1` / `${1}` / `$name` expansion, an empty result
// deleting the target label, and every action Prometheus 2.42 has.
import { createHash } from 'node:crypto';
import { re2ToJs } from '../query/parser/regex.js';
import type { Labels } from '../storage/types.js';

export const RELABEL_ACTIONS = [
  'replace',
  'keep',
  'drop',
  'keepequal',
  'dropequal',
  'hashmod',
  'labelmap',
  'labeldrop',
  'labelkeep',
  'lowercase',
  'uppercase',
] as const;
export type RelabelAction = (typeof RELABEL_ACTIONS)[number];

/** One rule as written in YAML (snake_case keys, Prometheus defaults when absent). */
export interface RelabelConfig {
  readonly source_labels?: readonly string[];
  readonly separator?: string;
  readonly regex?: string;
  readonly modulus?: number;
  readonly target_label?: string;
  readonly replacement?: string;
  readonly action?: RelabelAction;
}

/** A validated, compiled rule. */
export interface RelabelRule {
  readonly action: RelabelAction;
  readonly sourceLabels: readonly string[];
  readonly separator: string;
  readonly regex: RegExp;
  readonly modulus: number;
  readonly targetLabel: string;
  readonly replacement: string;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** A target_label of `replace` may be a template (`$1`, `${name}`). */
const TEMPLATE_LABEL = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;

/** Compiles a pattern as Prometheus does: anchored `^(?:re)$`, RE2 forms translated. */
export function compileRelabelRegex(pattern: string): RegExp {
  const { source, ignoreCase, dotAll } = re2ToJs(pattern);
  return new RegExp(`^(?:${source})$`, `${ignoreCase ? 'i' : ''}${dotAll ? 's' : ''}`);
}

/** Validates and compiles rules; throws an Error naming the rule and the problem. */
export function compileRelabelConfigs(
  configs: readonly RelabelConfig[] | undefined,
  what: string,
): RelabelRule[] {
  return (configs ?? []).map((c, i) => {
    const where = `${what}[${i}]`;
    const action = c.action ?? 'replace';
    if (!RELABEL_ACTIONS.includes(action)) throw new Error(`${where}: unknown relabel action "${action}"`);
    let regex: RegExp;
    try {
      regex = compileRelabelRegex(c.regex ?? '(.*)');
    } catch (err) {
      throw new Error(`${where}: invalid regex "${c.regex}": ${(err as Error).message}`);
    }
    const target = c.target_label ?? '';
    const needsTarget = ['replace', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal'];
    if (needsTarget.includes(action) && target === '')
      throw new Error(`${where}: relabel action "${action}" needs target_label`);
    if (action === 'replace' && !TEMPLATE_LABEL.test(target))
      throw new Error(`${where}: "${target}" is not a valid target_label`);
    if (action !== 'replace' && target !== '' && !LABEL_NAME.test(target))
      throw new Error(`${where}: "${target}" is not a valid label name for target_label`);
    if (action === 'hashmod' && !(c.modulus && c.modulus > 0))
      throw new Error(`${where}: relabel action hashmod needs a positive modulus`);
    if (
      (action === 'labeldrop' || action === 'labelkeep') &&
      (c.source_labels?.length ||
        target !== '' ||
        (c.replacement ?? '$1') !== '$1' ||
        c.separator !== undefined)
    )
      throw new Error(
        `${where}: ${action} takes only regex (no source_labels, target_label, separator, replacement)`,
      );
    return {
      action,
      sourceLabels: c.source_labels ?? [],
      separator: c.separator ?? ';',
      regex,
      modulus: c.modulus ?? 0,
      targetLabel: target,
      replacement: c.replacement ?? '$1',
    };
  });
}

/**
 * Expands a Go regexp template: `$1`, `${1}`, `$name`, `${name}`, `$$`. As in
 * Go, `$1x` names the group "1x" (which does not exist, so it expands empty).
 */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  if (!template.includes('$')) return template;
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '$' || i + 1 >= template.length) {
      out += c;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string;
    let end: number;
    if (template[i + 1] === '{') {
      const close = template.indexOf('}', i + 2);
      name = close < 0 ? '' : template.slice(i + 2, close);
      if (close < 0 || !/^\w+$/.test(name)) {
        out += c;
        continue;
      }
      end = close;
    } else {
      const m = /^\w+/.exec(template.slice(i + 1));
      if (!m) {
        out += c;
        continue;
      }
      name = m[0];
      end = i + name.length;
    }
    if (/^\d+$/.test(name)) out += match[Number(name)] ?? '';
    else out += match.groups?.[name] ?? '';
    i = end;
  }
  return out;
}

/** md5 of the value, its last 8 bytes as a big-endian uint64, modulo `modulus` (Prometheus's sum64). */
export function hashmod(value: string, modulus: number): number {
  const digest = createHash('md5').update(value).digest();
  return Number(digest.readBigUInt64BE(8) % BigInt(modulus));
}

/**
 * Applies the rules in order; undefined when a rule drops the set. The input
 * is not changed; labels whose value ends up empty are removed.
 */
export function relabel(labels: Labels, rules: readonly RelabelRule[]): Labels | undefined {
  if (rules.length === 0) return labels;
  const lb: Record<string, string> = { ...labels };
  for (const r of rules) {
    let val = '';
    for (let i = 0; i < r.sourceLabels.length; i++) {
      if (i > 0) val += r.separator;
      val += lb[r.sourceLabels[i]] ?? '';
    }
    switch (r.action) {
      case 'drop':
        if (r.regex.test(val)) return undefined;
        break;
      case 'keep':
        if (!r.regex.test(val)) return undefined;
        break;
      case 'dropequal':
        if ((lb[r.targetLabel] ?? '') === val) return undefined;
        break;
      case 'keepequal':
        if ((lb[r.targetLabel] ?? '') !== val) return undefined;
        break;
      case 'replace': {
        const m = r.regex.exec(val);
        if (!m) break;
        // As Prometheus: an invalid expanded name or an empty result deletes
        // the label named by the (unexpanded) target_label.
        const target = expandTemplate(r.targetLabel, m);
        const res = expandTemplate(r.replacement, m);
        if (!LABEL_NAME.test(target) || res === '') delete lb[r.targetLabel];
        else lb[target] = res;
        break;
      }
      case 'lowercase':
        setOrDelete(lb, r.targetLabel, val.toLowerCase());
        break;
      case 'uppercase':
        setOrDelete(lb, r.targetLabel, val.toUpperCase());
        break;
      case 'hashmod':
        lb[r.targetLabel] = String(hashmod(val, r.modulus));
        break;
      case 'labelmap': {
        // Each rule sees the set as it was before the rule.
        const before = { ...lb };
        for (const name in before) {
          const m = r.regex.exec(name);
          if (m) setOrDelete(lb, expandTemplate(r.replacement, m), before[name]);
        }
        break;
      }
      case 'labeldrop':
        for (const name of Object.keys(lb)) if (r.regex.test(name)) delete lb[name];
        break;
      case 'labelkeep':
        for (const name of Object.keys(lb)) if (!r.regex.test(name)) delete lb[name];
        break;
    }
  }
  for (const k of Object.keys(lb)) if (lb[k] === '') delete lb[k];
  return lb;
}

function setOrDelete(lb: Record<string, string>, name: string, value: string): void {
  if (value === '') delete lb[name];
  else lb[name] = value;
}
