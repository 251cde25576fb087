// Alertmanager's dispatcher, in process: alerts are merged into a store,
// routed, and collected into aggregation groups (route × group_by labels).
// A group first flushes after group_wait, then every group_interval; a flush
// drops silenced and inhibited alerts, asks the notification log whether the
// receiver needs telling (new firing, resolved, or repeat_interval passed),
// and writes the notification to the outbox before it is logged as sent.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { labelsKey } from '../../storage/labels.js';
import type { Labels } from '../../storage/types.js';
import type { Clock, TimerHandle } from '../clock.js';
import type { OutgoingAlert } from '../rules/alerting-rule.js';
import type { Inhibitor } from './inhibit.js';
import { type NotificationLog, needsUpdate } from './nflog.js';
import { type NotifiedAlert, notificationData } from './notification.js';
import type { Outbox } from './outbox.js';
import { type Route, groupLabels, matchRoutes } from './route.js';
import type { Integration } from './receivers/types.js';
import type { Silences } from './silences.js';

export interface StoredAlert {
  readonly fingerprint: string;
  readonly labels: Labels;
  annotations: Readonly<Record<string, string>>;
  startsAt: number;
  endsAt: number;
  generatorURL: string;
  updatedAt: number;
}

export interface AlertStatus {
  readonly state: 'active' | 'suppressed';
  readonly silencedBy: string[];
  readonly inhibitedBy: string[];
}

export interface DispatcherOptions {
  readonly route: Route | null;
  readonly integrations: ReadonlyMap<string, readonly Integration[]>;
  readonly inhibitor: Inhibitor;
  readonly silences: Silences;
  readonly nflog: NotificationLog;
  readonly outbox: Outbox;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly externalURL: string;
}

/** Alertmanager shows fingerprints as 16 hex digits. */
export function fingerprint(labels: Labels): string {
  return createHash('sha256').update(labelsKey(labels)).digest('hex').slice(0, 16);
}

function formatLabels(labels: Labels): string {
  return `{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',')}}`;
}

class AggrGroup {
  readonly alerts = new Map<string, StoredAlert>();
  timer: TimerHandle | null = null;
  hasFlushed = false;
  flushing = false;

  constructor(
    /** Unique per route node and group labels (notification log key). */
    readonly key: string,
    /** Alertmanager's group key, as receivers see it. */
    readonly groupKey: string,
    readonly route: Route,
    readonly labels: Labels,
  ) {}
}

export class Dispatcher {
  private readonly store = new Map<string, StoredAlert>();
  private readonly groups = new Map<string, AggrGroup>();
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly opts: DispatcherOptions) {}

  /** Alerts from the rule manager (or any source): merged, routed, grouped. */
  receive(alerts: readonly OutgoingAlert[]): void {
    // Without a route nothing is notified here (forwarding to Alertmanagers is separate), so nothing is kept.
    if (!this.opts.route) return;
    const now = this.opts.clock.now();
    for (const a of alerts) {
      const fp = fingerprint(a.labels);
      const old = this.store.get(fp);
      let alert: StoredAlert;
      // Merge with the stored alert when their active ranges overlap (Alertmanager's Put).
      if (
        old &&
        ((a.endsAt > old.startsAt && a.endsAt < old.endsAt) ||
          (a.startsAt >= old.startsAt && a.startsAt < old.endsAt) ||
          old.endsAt > now)
      ) {
        old.annotations = a.annotations;
        old.generatorURL = a.generatorURL;
        old.startsAt = Math.min(old.startsAt, a.startsAt);
        old.endsAt = a.endsAt;
        old.updatedAt = now;
        alert = old;
      } else {
        alert = {
          fingerprint: fp,
          labels: a.labels,
          annotations: a.annotations,
          startsAt: a.startsAt,
          endsAt: a.endsAt,
          generatorURL: a.generatorURL,
          updatedAt: now,
        };
        this.store.set(fp, alert);
      }
      for (const route of matchRoutes(this.opts.route, alert.labels)) this.insert(route, alert, now);
    }
  }

  private insert(route: Route, alert: StoredAlert, now: number): void {
    const gl = groupLabels(route, alert.labels);
    const key = `${route.id}:${formatLabels(gl)}`;
    let g = this.groups.get(key);
    if (!g) {
      g = new AggrGroup(key, `${route.key}:${formatLabels(gl)}`, route, gl);
      this.groups.set(key, g);
      this.schedule(g, route.groupWaitMs);
    }
    g.alerts.set(alert.fingerprint, alert);
    // An alert that started more than group_wait ago is not held back (e.g. after a restart).
    if (!g.hasFlushed && alert.startsAt + route.groupWaitMs <= now) this.schedule(g, 0);
  }

  private schedule(g: AggrGroup, ms: number): void {
    if (this.stopped) return;
    this.opts.clock.clearTimeout(g.timer);
    g.timer = this.opts.clock.setTimeout(() => {
      g.timer = null;
      const p = this.flush(g).catch((e) =>
        this.opts.logger.error({ group: g.key, err: (e as Error).message }, 'notification flush failed'),
      );
      this.inFlight.add(p);
      void p.finally(() => this.inFlight.delete(p));
    }, ms);
  }

  /**
   * Alertmanager's GET /api/v2/alerts: the alerts firing now, each with the
   * silences and the alerts that mute it, and the receivers it is routed to.
   */
  alertStatuses(now = this.opts.clock.now()): (StoredAlert & { status: AlertStatus; receivers: string[] })[] {
    const inhibited = this.opts.inhibitor.snapshot(this.firing(now));
    const out: (StoredAlert & { status: AlertStatus; receivers: string[] })[] = [];
    for (const a of this.firing(now)) {
      const silencedBy = this.opts.silences.mutedBy(a.labels, now);
      const inhibitedBy = inhibited(a);
      const receivers = this.opts.route
        ? [...new Set(matchRoutes(this.opts.route, a.labels).map((r) => r.receiver))]
        : [];
      out.push({
        ...a,
        status: {
          state: silencedBy.length || inhibitedBy.length ? 'suppressed' : 'active',
          silencedBy,
          inhibitedBy,
        },
        receivers,
      });
    }
    return out;
  }

  private *firing(now: number): Iterable<StoredAlert> {
    for (const a of this.store.values()) if (a.endsAt > now) yield a;
  }

  private async flush(g: AggrGroup): Promise<void> {
    if (g.flushing) return;
    g.flushing = true;
    try {
      await this.flushOnce(g);
    } finally {
      g.flushing = false;
    }
  }

  private async flushOnce(g: AggrGroup): Promise<void> {
    const now = this.opts.clock.now();
    g.hasFlushed = true;
    if (g.alerts.size === 0) {
      this.groups.delete(g.key);
      return;
    }
    this.schedule(g, g.route.groupIntervalMs);
    const inhibited = this.opts.inhibitor.snapshot(this.firing(now));
    const snapshot = [...g.alerts.values()].map((a) => ({ ...a }));
    const visible = snapshot.filter(
      (a) => this.opts.silences.mutedBy(a.labels, now).length === 0 && inhibited(a).length === 0,
    );
    const firing = new Set<string>();
    const resolved = new Set<string>();
    const notified: NotifiedAlert[] = visible.map((a) => {
      const isResolved = a.endsAt <= now;
      (isResolved ? resolved : firing).add(a.fingerprint);
      return {
        status: isResolved ? 'resolved' : 'firing',
        labels: a.labels,
        annotations: a.annotations,
        startsAt: a.startsAt,
        endsAt: isResolved ? a.endsAt : 0,
        generatorURL: a.generatorURL,
        fingerprint: a.fingerprint,
      };
    });
    const integrations = this.opts.integrations.get(g.route.receiver) ?? [];
    for (const integ of integrations) {
      const logKey = `${g.key}|${integ.dest}`;
      if (
        !needsUpdate(
          this.opts.nflog.get(logKey),
          firing,
          resolved,
          integ.sendResolved,
          g.route.repeatIntervalMs,
          now,
        )
      )
        continue;
      const alerts = integ.sendResolved ? notified : notified.filter((a) => a.status === 'firing');
      if (alerts.length > 0) {
        const data = notificationData(g.route.receiver, g.groupKey, g.labels, alerts, this.opts.externalURL);
        await this.opts.outbox.enqueue({
          dest: integ.dest,
          receiver: g.route.receiver,
          groupKey: g.groupKey,
          status: data.status,
          alerts: alerts.length,
          body: integ.render(data),
        });
      }
      await this.opts.nflog.set(logKey, firing, resolved);
    }
    // Resolved alerts that this flush covered leave the group (unless updated meanwhile).
    for (const a of snapshot) {
      if (a.endsAt > now) continue;
      const cur = g.alerts.get(a.fingerprint);
      if (cur && cur.updatedAt === a.updatedAt) g.alerts.delete(a.fingerprint);
    }
    this.gc(now);
  }

  /** Drops resolved alerts no group holds any more. */
  private gc(now: number): void {
    const held = new Set<string>();
    for (const g of this.groups.values()) for (const fp of g.alerts.keys()) held.add(fp);
    for (const [fp, a] of this.store) if (a.endsAt <= now && !held.has(fp)) this.store.delete(fp);
  }

  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const g of this.groups.values()) this.opts.clock.clearTimeout(g.timer);
    await this.idle();
  }
}
