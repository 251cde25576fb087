// Inhibition rules: a firing alert matching the source matchers mutes alerts
// matching the target matchers when the `equal` labels have the same values
// (an alert matching both sides is not muted by itself).
import type { InhibitRuleConfig } from '../../config/alerting-schema.js';
import type { Labels } from '../../storage/types.js';
import { type CompiledMatcher, matchersFromConfig, matchesLabels } from './matchers.js';

interface Rule {
  readonly source: CompiledMatcher[];
  readonly target: CompiledMatcher[];
  readonly equal: readonly string[];
}

export interface FiringAlert {
  readonly fingerprint: string;
  readonly labels: Labels;
}

export class Inhibitor {
  private readonly rules: Rule[];

  constructor(configs: readonly InhibitRuleConfig[]) {
    this.rules = configs.map((c) => ({
      source: matchersFromConfig(c.source_matchers, c.source_match, c.source_match_re),
      target: matchersFromConfig(c.target_matchers, c.target_match, c.target_match_re),
      equal: c.equal,
    }));
  }

  get empty(): boolean {
    return this.rules.length === 0;
  }

  /**
   * Returns a function telling which alerts are inhibited, given the alerts
   * firing now (sources are indexed once per call, not per target).
   */
  snapshot(firing: Iterable<FiringAlert>): (alert: FiringAlert) => string[] {
    if (this.rules.length === 0) return () => [];
    const index = this.rules.map(() => new Map<string, string[]>());
    for (const a of firing) {
      this.rules.forEach((r, i) => {
        if (!matchesLabels(r.source, a.labels)) return;
        const key = r.equal.map((n) => a.labels[n] ?? '').join('\u0000');
        const list = index[i].get(key);
        if (list) list.push(a.fingerprint);
        else index[i].set(key, [a.fingerprint]);
      });
    }
    return (alert) => {
      const by: string[] = [];
      this.rules.forEach((r, i) => {
        if (!matchesLabels(r.target, alert.labels)) return;
        const key = r.equal.map((n) => alert.labels[n] ?? '').join('\u0000');
        for (const fp of index[i].get(key) ?? []) if (fp !== alert.fingerprint) by.push(fp);
      });
      return by;
    };
  }
}
