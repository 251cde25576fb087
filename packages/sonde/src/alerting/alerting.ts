// The alerting stage wired together: rule files and built-in rules → rule
// manager → (a) the in-process dispatcher (routes, groups, silences,
// inhibition, receivers) and (b) forwarding to Alertmanagers; every delivery
// goes through the durable outbox. State lives under <data_dir>/alerting/.
import { readdir } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { SondeConfig } from '../config/schema.js';
import type { QueryEngine } from '../query/types.js';
import type { Storage } from '../storage/types.js';
import { builtinGroups } from './builtin-rules.js';
import { type Clock, systemClock } from './clock.js';
import { type AlertingStatus, alertsStatus, rulesStatus } from './status.js';
import { Dispatcher } from './notify/dispatcher.js';
import { Inhibitor } from './notify/inhibit.js';
import { NotificationLog } from './notify/nflog.js';
import { Outbox, type OutboxRecord } from './notify/outbox.js';
import { alertmanagerTargets, postableAlerts } from './notify/receivers/alertmanager.js';
import { emailIntegration } from './notify/receivers/email.js';
import { slackIntegration } from './notify/receivers/slack.js';
import type { Integration } from './notify/receivers/types.js';
import { webhookIntegration } from './notify/receivers/webhook.js';
import { buildRoute } from './notify/route.js';
import { type Silence, type SilenceInput, type SilenceState, Silences } from './notify/silences.js';
import type { OutgoingAlert } from './rules/alerting-rule.js';
import { type GroupSpec, type RuleProblem, loadRuleFile, parsePromDuration } from './rules/file.js';
import { RuleManager } from './rules/manager.js';

export interface AlertingOptions {
  readonly config: SondeConfig;
  readonly engine: QueryEngine;
  readonly storage: Storage;
  /** State (alerts, silences, notification log, outbox) goes under `<dataDir>/alerting/`; null keeps it in memory. */
  readonly dataDir: string | null;
  readonly logger: Logger;
  /** Unix ms; defaults to Date.now. */
  readonly now?: () => number;
  /** Replaces `now` and the timers (tests use FakeClock). */
  readonly clock?: Clock;
  /** Relative rule_files are resolved against this (the config file's directory); default: the working directory. */
  readonly baseDir?: string;
  /** Outbox retry backoff: first wait and cap (default 1 s and 5 min). */
  readonly retry?: { readonly baseMs?: number; readonly maxMs?: number };
}

export interface Alerting {
  /** Loads rules and state, starts evaluating and delivering. Resolves to the rule-file problems (nothing loaded if any). */
  start(): Promise<RuleProblem[]>;
  /** Stops evaluation and delivery; state is saved. */
  stop(): Promise<void>;
  /** Re-reads the rule files; keeps the running rules (and says why) when they have problems. */
  reload(): Promise<{ ok: boolean; problems: RuleProblem[] }>;
  /** Prometheus's GET /api/v1/rules `data`. */
  rules(filter?: { type?: 'alert' | 'record' }): AlertingStatus['rules'];
  /** Prometheus's GET /api/v1/alerts `data`. */
  alerts(): AlertingStatus['alerts'];
  readonly silences: {
    list(): (Silence & { state: SilenceState })[];
    get(id: string): (Silence & { state: SilenceState }) | undefined;
    /** Creates (or, with `id`, updates) a silence; throws SilenceError with a status for bad input. */
    upsert(input: SilenceInput): Promise<string>;
    expire(id: string): Promise<void>;
  };
  /**
   * The alerts handed to notification and firing now, Alertmanager API v2 style:
   * whether each is silenced or inhibited (and by what), and its receivers.
   * Empty when no `route` is configured.
   */
  notifiedAlerts(): ReturnType<Dispatcher['alertStatuses']>;
  /** Notification history, newest first. */
  notifications(limit?: number): OutboxRecord[];
  /** Evaluates every rule group once at `ts` (tests and `sonde` tooling; groups also run on their own timers). */
  evaluate(ts: number): Promise<void>;
  /** Resolves when no evaluation, flush or delivery attempt is under way. */
  idle(): Promise<void>;
}

/** Expands `rule_files` entries; `*` and `?` are allowed in the file-name part, as Prometheus allows globs. */
export async function expandRuleFiles(patterns: readonly string[], baseDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const p of patterns) {
    const path = isAbsolute(p) ? p : resolve(baseDir, p);
    const name = basename(path);
    if (!/[*?]/.test(name)) {
      out.push(path);
      continue;
    }
    const re = new RegExp(
      `^${name
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    );
    let entries: string[] = [];
    try {
      entries = await readdir(dirname(path));
    } catch {
      // A glob matching nothing is not an error (Prometheus agrees).
    }
    out.push(
      ...entries
        .filter((e) => re.test(e))
        .sort()
        .map((e) => join(dirname(path), e)),
    );
  }
  return [...new Set(out)];
}

function externalURLOf(config: SondeConfig): string {
  if (config.alerting.external_url) return config.alerting.external_url.replace(/\/$/, '');
  const listen = config.listen;
  const i = listen.lastIndexOf(':');
  let host = listen.slice(0, i);
  if (host === '0.0.0.0' || host === '' || host === '[::]') host = 'localhost';
  return `http://${host}:${listen.slice(i + 1)}`;
}

function buildIntegrations(config: SondeConfig['alerting']): Map<string, Integration[]> {
  const map = new Map<string, Integration[]>();
  for (const r of config.receivers) {
    const list: Integration[] = [];
    for (const [i, c] of r.webhook_configs.entries())
      list.push(webhookIntegration(`${r.name}/webhook/${i}`, c));
    for (const [i, c] of r.slack_configs.entries()) {
      list.push(slackIntegration(`${r.name}/slack/${i}`, c, config.global.slack_api_url));
    }
    for (const [i, c] of r.email_configs.entries())
      list.push(emailIntegration(`${r.name}/email/${i}`, c, config.global));
    map.set(r.name, list);
  }
  return map;
}

/**
 * What in a (schema-valid) config's `alerting:` section sonde cannot use: bad
 * matchers, bad receiver templates, e-mail without a server, Slack without a
 * URL. Empty when createAlerting will accept it. For `sonde check config`.
 */
export function alertingConfigProblems(config: SondeConfig): string[] {
  const problems: string[] = [];
  const a = config.alerting;
  const attempt = (where: string, fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      problems.push(`${where}: ${(e as Error).message}`);
    }
  };
  if (a.route) attempt('alerting.route', () => buildRoute(a.route!));
  attempt('alerting.inhibit_rules', () => new Inhibitor(a.inhibit_rules));
  attempt('alerting.receivers', () => {
    for (const list of buildIntegrations(a).values()) for (const i of list) i.close?.();
  });
  attempt('alerting.alertmanagers', () => alertmanagerTargets(a.alertmanagers));
  return problems;
}

export function createAlerting(options: AlertingOptions): Alerting {
  const problems = alertingConfigProblems(options.config);
  if (problems.length) throw new Error(`invalid alerting configuration: ${problems.join('; ')}`);
  const { config, logger: parentLogger } = options;
  const logger = parentLogger.bindings().component
    ? parentLogger
    : parentLogger.child({ component: 'alerting' });
  const clock = options.clock ?? systemClock(options.now);
  const a = config.alerting;
  const dir = options.dataDir ? join(options.dataDir, 'alerting') : null;
  const externalURL = externalURLOf(config);
  const integrations = buildIntegrations(a);
  const byDest = new Map<string, { deliver: Integration['deliver'] }>();
  for (const list of integrations.values()) for (const i of list) byDest.set(i.dest, i);
  const amTargets = alertmanagerTargets(a.alertmanagers);
  for (const t of amTargets) byDest.set(t.dest, t);

  const outbox = new Outbox({
    dir: dir ? join(dir, 'outbox') : null,
    clock,
    logger,
    baseBackoffMs: options.retry?.baseMs,
    maxBackoffMs: options.retry?.maxMs,
    deliver: async (entry) => {
      const target = byDest.get(entry.dest);
      if (!target)
        return { ok: false, retry: false, error: `destination ${entry.dest} is no longer configured` };
      return target.deliver(entry.body, entry.id);
    },
  });
  const silences = new Silences(dir ? join(dir, 'silences.json') : null, clock);
  const nflog = new NotificationLog(dir ? join(dir, 'nflog.json') : null, clock);
  const dispatcher = new Dispatcher({
    route: a.route ? buildRoute(a.route) : null,
    integrations,
    inhibitor: new Inhibitor(a.inhibit_rules),
    silences,
    nflog,
    outbox,
    clock,
    logger,
    externalURL,
  });

  const external = Object.entries(a.external_labels);
  const forward = (raw: OutgoingAlert[]) => {
    // External labels join every alert that leaves the rule manager, as Prometheus's notifier adds them.
    const alerts = external.length
      ? raw.map((x) => {
          const labels = { ...x.labels };
          for (const [k, v] of external) if (!labels[k]) labels[k] = v;
          return { ...x, labels };
        })
      : raw;
    dispatcher.receive(alerts);
    if (amTargets.length === 0) return;
    const body = postableAlerts(alerts);
    const status = alerts.some((x) => x.endsAt > clock.now()) ? 'firing' : 'resolved';
    for (const t of amTargets) {
      void outbox
        .enqueue({
          dest: t.dest,
          receiver: 'alertmanager',
          groupKey: '',
          status,
          alerts: alerts.length,
          body,
        })
        .catch((e) => logger.error({ err: (e as Error).message }, 'cannot write to the outbox'));
    }
  };

  const load = async (): Promise<{ groups: GroupSpec[]; problems: RuleProblem[] }> => {
    const files = await expandRuleFiles(config.rule_files, options.baseDir ?? process.cwd());
    const groups: GroupSpec[] = a.builtin_rules.enabled ? builtinGroups(a.builtin_rules.disabled) : [];
    const problems: RuleProblem[] = [];
    for (const f of files) {
      const parsed = await loadRuleFile(f);
      groups.push(...parsed.groups);
      problems.push(...parsed.problems);
    }
    return { groups, problems };
  };

  const manager = new RuleManager({
    storage: options.storage,
    engine: options.engine,
    clock,
    logger,
    stateFile: dir ? join(dir, 'rules-state.json') : null,
    defaultIntervalMs: parsePromDuration(a.evaluation_interval),
    externalLabels: a.external_labels,
    externalURL,
    resendDelayMs: parsePromDuration(a.resend_delay),
    notify: forward,
    load,
  });

  const withState = (s: Silence) => ({ ...s, state: silences.state(s) });
  const idle = async () => {
    for (let i = 0; i < 3; i++) {
      await manager.idle();
      await dispatcher.idle();
      await outbox.idle();
    }
  };

  return {
    async start() {
      await Promise.all([outbox.open(), silences.open(), nflog.open()]);
      const problems = await manager.start();
      logger.info(
        { receivers: integrations.size, alertmanagers: amTargets.length, externalURL },
        'alerting started',
      );
      return problems;
    },
    async stop() {
      await manager.stop();
      await dispatcher.stop();
      await outbox.close();
      for (const list of integrations.values()) for (const i of list) i.close?.();
    },
    async reload() {
      const problems = await manager.reload();
      return { ok: problems.length === 0, problems };
    },
    rules: (filter) => rulesStatus(manager.groups(), filter),
    alerts: () => alertsStatus(manager.groups()),
    silences: {
      list: () => silences.list().map(withState),
      get: (id) => {
        const s = silences.get(id);
        return s ? withState(s) : undefined;
      },
      upsert: (input) => silences.upsert(input),
      expire: (id) => silences.expire(id),
    },
    notifiedAlerts: () => dispatcher.alertStatuses(),
    notifications: (limit) => outbox.history(limit),
    evaluate: (ts) => manager.evaluateAll(ts),
    idle,
  };
}
