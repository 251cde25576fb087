// A rule group: its rules evaluated in order at one timestamp, results and
// stale markers written through one Appender, alerts due for sending handed on.
import { STALE_NAN, labelsKey } from '../../storage/labels.js';
import type { QueryEngine } from '../../query/types.js';
import type { Labels, Querier, Storage } from '../../storage/types.js';
import { AlertingRule, type OutgoingAlert, type RuleContext } from './alerting-rule.js';
import type { GroupSpec } from './file.js';
import { RecordingRule } from './recording-rule.js';

export type Rule = AlertingRule | RecordingRule;

export interface GroupDeps {
  readonly storage: Storage;
  readonly context: Omit<RuleContext, 'groupLabels' | 'limit' | 'queryOffsetMs'>;
  readonly resendDelayMs: number;
  readonly generatorURL: (expr: string) => string;
  readonly notify: (alerts: OutgoingAlert[]) => void;
  readonly onError?: (rule: Rule, err: Error) => void;
}

/** FNV-1a (32-bit) of a string: spreads groups' evaluation over their interval. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Identity of a rule inside its group across reloads and restarts: its name and static labels. */
export function ruleIdentity(rule: Rule): string {
  return `${rule.spec.kind}\u0000${rule.name}\u0000${labelsKey(rule.spec.labels)}`;
}

export class RuleGroup {
  readonly rules: Rule[];
  /** Per rule: the series it wrote last time, for stale markers. */
  seriesInPreviousEval: Map<string, Labels>[];
  lastEvaluation = 0;
  evaluationMs = 0;
  /** Series of removed rules that still need a stale marker. */
  staleSeries: Labels[] = [];
  /** Per rule: a later rule of the group reads what it writes, so it is committed before that rule runs. */
  private readonly commitAfter: boolean[];

  constructor(
    readonly spec: GroupSpec,
    readonly intervalMs: number,
  ) {
    this.rules = spec.rules.map((r) => (r.kind === 'alert' ? new AlertingRule(r) : new RecordingRule(r)));
    this.seriesInPreviousEval = this.rules.map(() => new Map());
    this.commitAfter = this.rules.map((rule, i) => {
      const names = rule.kind === 'record' ? [rule.name] : ['ALERTS', 'ALERTS_FOR_STATE'];
      const res = names.map(
        (n) => new RegExp(`(^|[^a-zA-Z0-9_:])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-zA-Z0-9_:])`),
      );
      return this.rules.slice(i + 1).some((later) => res.some((re) => re.test(later.spec.expr)));
    });
  }

  get key(): string {
    return `${this.spec.file};${this.spec.name}`;
  }

  /** The evaluation slot this group uses: aligned to its interval, offset by a hash of its key (as Prometheus). */
  evalTimestamp(nowMs: number): number {
    const offset = fnv1a(this.key) % this.intervalMs;
    const adj = nowMs - offset;
    return adj - (((adj % this.intervalMs) + this.intervalMs) % this.intervalMs) + offset;
  }

  /** Same definition (so a reload keeps the group running untouched). */
  equals(other: RuleGroup): boolean {
    return (
      this.intervalMs === other.intervalMs &&
      JSON.stringify({ ...this.spec, rules: this.spec.rules.map(stripLine) }) ===
        JSON.stringify({ ...other.spec, rules: other.spec.rules.map(stripLine) })
    );
  }

  /** Takes over alerts and series of rules with the same name and labels from `from` (Prometheus's CopyState). */
  copyState(from: RuleGroup): void {
    const byIdentity = new Map<string, number[]>();
    from.rules.forEach((r, i) => {
      const id = ruleIdentity(r);
      byIdentity.set(id, [...(byIdentity.get(id) ?? []), i]);
    });
    this.rules.forEach((rule, i) => {
      const id = ruleIdentity(rule);
      const idx = byIdentity.get(id);
      if (!idx?.length) return;
      const fi = idx.shift()!;
      this.seriesInPreviousEval[i] = from.seriesInPreviousEval[fi];
      const old = from.rules[fi];
      if (rule instanceof AlertingRule && old instanceof AlertingRule) rule.active = old.active;
    });
    this.staleSeries = [...from.staleSeries];
    for (const idx of byIdentity.values())
      for (const fi of idx) this.staleSeries.push(...from.seriesInPreviousEval[fi].values());
    this.lastEvaluation = from.lastEvaluation;
  }

  async eval(ts: number, deps: GroupDeps): Promise<void> {
    const started = performance.now();
    const app = deps.storage.appender();
    // One store snapshot for the group's queries (taking one costs a walk of the head's
    // series); taken again after a commit that a later rule must see.
    let querier: Querier | null = null;
    const snapshot = () => {
      querier ??= deps.storage.querier();
      return querier;
    };
    const base = deps.context.engine;
    const engine: QueryEngine = {
      instant: (expr, t, o) => base.instant(expr, t, { ...o, querier: snapshot() }),
      range: (expr, start, end, step, o) => base.range(expr, start, end, step, { ...o, querier: snapshot() }),
    };
    const ctx: RuleContext = {
      ...deps.context,
      engine,
      groupLabels: this.spec.labels,
      limit: this.spec.limit,
      queryOffsetMs: this.spec.queryOffsetMs,
    };
    try {
      await this.evalRules(ts, deps, ctx, app, () => {
        querier?.close();
        querier = null;
      });
    } finally {
      (querier as Querier | null)?.close();
    }
    this.evaluationMs = performance.now() - started;
  }

  private async evalRules(
    ts: number,
    deps: GroupDeps,
    ctx: RuleContext,
    app: ReturnType<Storage['appender']>,
    committed: () => void,
  ): Promise<void> {
    const toSend: OutgoingAlert[] = [];
    const staleT = ts - this.spec.queryOffsetMs;
    let uncommitted = 0;
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i];
      const t0 = performance.now();
      rule.lastEvaluation = ts;
      let samples: Awaited<ReturnType<Rule['eval']>>;
      try {
        samples = await rule.eval(ts, ctx);
        rule.health = 'ok';
        rule.lastError = '';
      } catch (e) {
        rule.health = 'err';
        rule.lastError = (e as Error).message;
        rule.evaluationMs = performance.now() - t0;
        deps.onError?.(rule, e as Error);
        continue;
      }
      if (rule instanceof AlertingRule) {
        toSend.push(
          ...rule.alertsToSend(ts, deps.resendDelayMs, this.intervalMs, deps.generatorURL(rule.spec.expr)),
        );
      }
      const now = new Map<string, Labels>();
      for (const s of samples) {
        app.append(s.labels, s.t, s.v);
        now.set(labelsKey(s.labels), s.labels);
      }
      let appended = samples.length;
      for (const [key, labels] of this.seriesInPreviousEval[i]) {
        if (now.has(key)) continue;
        app.append(labels, staleT, STALE_NAN);
        appended++;
      }
      this.seriesInPreviousEval[i] = now;
      // Prometheus commits after every rule so that later rules see its output; sonde does when one reads it.
      uncommitted += appended;
      if (uncommitted && this.commitAfter[i]) {
        await app.commit();
        committed();
        uncommitted = 0;
      }
      rule.evaluationMs = performance.now() - t0;
    }
    for (const labels of this.staleSeries) app.append(labels, staleT, STALE_NAN);
    uncommitted += this.staleSeries.length;
    this.staleSeries = [];
    if (toSend.length) deps.notify(toSend);
    if (uncommitted) await app.commit();
    this.lastEvaluation = ts;
  }
}

function stripLine<T extends { line: number }>(r: T): Omit<T, 'line'> {
  const { line: _line, ...rest } = r;
  return rest;
}
