// The rule manager: runs every group on its interval, reloads rule files
// keeping the state of unchanged rules, and keeps alert state in the data
// directory so that a restart resumes firing alerts instead of re-paging.
import type { Logger } from 'pino';
import type { QueryEngine } from '../../query/types.js';
import { STALE_NAN, labelsKey } from '../../storage/labels.js';
import type { Labels, Storage } from '../../storage/types.js';
import type { Clock, TimerHandle } from '../clock.js';
import { JsonFile } from '../json-file.js';
import { type Alert, AlertingRule, type OutgoingAlert } from './alerting-rule.js';
import type { GroupSpec, RuleProblem } from './file.js';
import { RuleGroup, ruleIdentity } from './group.js';

export interface RuleSources {
  readonly groups: readonly GroupSpec[];
  readonly problems: readonly RuleProblem[];
}

export interface RuleManagerOptions {
  readonly storage: Storage;
  readonly engine: QueryEngine;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where state is kept (rules-state.json); null keeps it in memory only. */
  readonly stateFile: string | null;
  readonly defaultIntervalMs: number;
  readonly externalLabels: Labels;
  readonly externalURL: string;
  /** Prometheus's --rules.alert.resend-delay (1m). */
  readonly resendDelayMs: number;
  readonly notify: (alerts: OutgoingAlert[]) => void;
  /** Reads the rule files (and built-in rules) afresh. */
  readonly load: () => Promise<RuleSources>;
}

const SAVE_DELAY_MS = 1000;

interface SavedRule {
  readonly id: string;
  readonly alerts: Alert[];
  readonly series: Labels[];
}

interface SavedState {
  readonly version: 1;
  readonly groups: Record<string, { readonly lastEvaluation: number; readonly rules: SavedRule[] }>;
}

export class RuleManager {
  private groupsByKey = new Map<string, RuleGroup>();
  private timers = new Map<string, TimerHandle>();
  private running = false;
  private inFlight = new Set<Promise<void>>();
  private readonly state: JsonFile<SavedState> | null;
  private saved: SavedState | null = null;
  private dirty = false;
  private saving = false;
  private saveTimer: TimerHandle | null = null;

  constructor(private readonly opts: RuleManagerOptions) {
    this.state = opts.stateFile ? new JsonFile<SavedState>(opts.stateFile) : null;
  }

  groups(): RuleGroup[] {
    return [...this.groupsByKey.values()];
  }

  /** Loads the rules and saved state, and starts evaluating. Problems in the rule files are returned and logged. */
  async start(): Promise<RuleProblem[]> {
    this.saved = (await this.state?.read()) ?? null;
    const problems = await this.reload();
    this.running = true;
    for (const g of this.groupsByKey.values()) this.schedule(g);
    return problems;
  }

  /**
   * Re-reads the rule files. With problems nothing changes and the problems are
   * returned; otherwise unchanged groups keep running and rules keep their alerts.
   */
  async reload(): Promise<RuleProblem[]> {
    const { groups, problems } = await this.opts.load();
    if (problems.length > 0) {
      for (const p of problems)
        this.opts.logger.error({ file: p.file, line: p.line }, `rule file problem: ${p.message}`);
      return [...problems];
    }
    const next = new Map<string, RuleGroup>();
    for (const spec of groups) {
      const g = new RuleGroup(spec, spec.intervalMs ?? this.opts.defaultIntervalMs);
      const old = this.groupsByKey.get(g.key);
      if (old?.equals(g)) {
        next.set(g.key, old);
        continue;
      }
      if (old) g.copyState(old);
      else if (this.saved?.groups[g.key]) this.restore(g, this.saved.groups[g.key]);
      next.set(g.key, g);
    }
    for (const [key, old] of this.groupsByKey) {
      if (next.get(key) === old) continue;
      this.opts.clock.clearTimeout(this.timers.get(key));
      this.timers.delete(key);
      if (!next.has(key)) {
        // A removed group: its series get stale markers now.
        const gone = old.seriesInPreviousEval.flatMap((m) => [...m.values()]).concat(old.staleSeries);
        if (gone.length) void this.writeStale(gone);
      }
    }
    this.groupsByKey = next;
    if (this.running) for (const g of next.values()) if (!this.timers.has(g.key)) this.schedule(g);
    this.saved = null;
    this.queueSave();
    this.opts.logger.info(
      { groups: next.size, rules: this.groups().reduce((n, g) => n + g.rules.length, 0) },
      'rules loaded',
    );
    return [];
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers.values()) this.opts.clock.clearTimeout(t);
    this.timers.clear();
    this.opts.clock.clearTimeout(this.saveTimer);
    this.saveTimer = null;
    await this.idle();
    await this.save();
  }

  /** Resolves when no evaluation or state write is under way. */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** Evaluates every group once at `ts` (tests; `sonde` itself runs groups on their timers). */
  async evaluateAll(ts: number): Promise<void> {
    for (const g of this.groupsByKey.values()) await this.evalGroup(g, ts);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private schedule(g: RuleGroup): void {
    const now = this.opts.clock.now();
    let next = g.evalTimestamp(now) + g.intervalMs;
    if (g.lastEvaluation) {
      const due = g.lastEvaluation + g.intervalMs;
      if (due > now) next = due;
    }
    const timer = this.opts.clock.setTimeout(() => {
      if (!this.running || this.groupsByKey.get(g.key) !== g) return;
      const ts = next;
      this.track(
        this.evalGroup(g, ts).finally(() => {
          if (this.running && this.groupsByKey.get(g.key) === g) this.schedule(g);
        }),
      );
    }, next - now);
    this.timers.set(g.key, timer);
  }

  private async evalGroup(g: RuleGroup, ts: number): Promise<void> {
    try {
      await g.eval(ts, {
        storage: this.opts.storage,
        context: {
          engine: this.opts.engine,
          externalLabels: this.opts.externalLabels,
          externalURL: this.opts.externalURL,
        },
        resendDelayMs: this.opts.resendDelayMs,
        generatorURL: (expr) =>
          `${this.opts.externalURL.replace(/\/$/, '')}/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`,
        notify: this.opts.notify,
        onError: (rule, err) =>
          this.opts.logger.warn(
            { group: g.spec.name, rule: rule.name, err: err.message },
            'rule evaluation failed',
          ),
      });
    } catch (e) {
      this.opts.logger.error({ group: g.spec.name, err: (e as Error).message }, 'group evaluation failed');
    }
    this.queueSave();
  }

  private async writeStale(series: Labels[]): Promise<void> {
    const app = this.opts.storage.appender();
    const t = this.opts.clock.now();
    for (const labels of series) app.append(labels, t, STALE_NAN);
    await app.commit();
  }

  private restore(g: RuleGroup, saved: SavedState['groups'][string]): void {
    const byId = new Map<string, SavedRule[]>();
    for (const r of saved.rules) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
    g.rules.forEach((rule, i) => {
      const r = byId.get(ruleIdentity(rule))?.shift();
      if (!r) return;
      g.seriesInPreviousEval[i] = new Map(r.series.map((l) => [labelsKey(l), l]));
      if (rule instanceof AlertingRule) {
        for (const a of r.alerts) rule.active.set(labelsKey(a.labels), { ...a });
      }
    });
    g.lastEvaluation = saved.lastEvaluation;
  }

  private snapshot(): SavedState {
    const groups: Record<string, SavedState['groups'][string]> = {};
    for (const g of this.groupsByKey.values()) {
      groups[g.key] = {
        lastEvaluation: g.lastEvaluation,
        rules: g.rules.map((rule, i) => ({
          id: ruleIdentity(rule),
          alerts: rule instanceof AlertingRule ? [...rule.active.values()] : [],
          series: [...g.seriesInPreviousEval[i].values()],
        })),
      };
    }
    return { version: 1, groups };
  }

  /**
   * State is written at most once a second, whole: one write covers every
   * group evaluated in that second (a round of many groups is one write).
   */
  private queueSave(): void {
    if (!this.state) return;
    this.dirty = true;
    if (this.saveTimer || this.saving) return;
    this.saveTimer = this.opts.clock.setTimeout(() => {
      this.saveTimer = null;
      this.track(this.saveDirty());
    }, SAVE_DELAY_MS);
  }

  private async saveDirty(): Promise<void> {
    this.saving = true;
    try {
      while (this.dirty) {
        this.dirty = false;
        await this.save();
      }
    } finally {
      this.saving = false;
    }
  }

  private async save(): Promise<void> {
    if (!this.state) return;
    try {
      await this.state.write(this.snapshot());
    } catch (e) {
      this.opts.logger.error({ err: (e as Error).message }, 'cannot save alert state');
    }
  }
}
