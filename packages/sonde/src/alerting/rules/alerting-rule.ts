// One alerting rule and the alerts it holds, evaluated exactly as Prometheus's
// rules/alerting.go does: inactive → pending → firing, `for`, `keep_firing_for`,
// resolved alerts kept 15 minutes so their resolution is notified, and the
// `ALERTS` / `ALERTS_FOR_STATE` series.
import type { QueryEngine } from '../../query/types.js';
import { labelsKey } from '../../storage/labels.js';
import type { Labels } from '../../storage/types.js';
import { RuleTemplate, type TemplateSample } from '../template/index.js';
import type { RuleSpec } from './file.js';

export type AlertState = 'inactive' | 'pending' | 'firing';

/** One alert of a rule. Times are Unix ms; 0 means "not set". */
export interface Alert {
  labels: Labels;
  annotations: Record<string, string>;
  state: AlertState;
  value: number;
  activeAt: number;
  firedAt: number;
  resolvedAt: number;
  lastSentAt: number;
  validUntil: number;
  keepFiringSince: number;
}

/** An alert as it leaves the rule manager for notification (Alertmanager's alert model). */
export interface OutgoingAlert {
  readonly labels: Labels;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: number;
  /** The resolve time, or how long the alert is valid without a resend. */
  readonly endsAt: number;
  readonly generatorURL: string;
}

export interface OutputSample {
  readonly labels: Labels;
  readonly t: number;
  readonly v: number;
}

export interface RuleContext {
  readonly engine: QueryEngine;
  readonly externalLabels: Labels;
  readonly externalURL: string;
  /** Labels of the rule's group, beneath the rule's own. */
  readonly groupLabels: Labels;
  readonly limit: number;
  readonly queryOffsetMs: number;
}

/** How long a resolved alert is kept (and re-sent) after it resolves. */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

export class RuleEvalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleEvalError';
  }
}

/** Runs the rule's query; a scalar becomes a one-sample vector, as Prometheus's rule query function does. */
export async function queryVector(
  engine: QueryEngine,
  expr: string,
  t: number,
): Promise<{ labels: Labels; v: number }[]> {
  const res = await engine.instant(expr, t);
  switch (res.type) {
    case 'vector':
      return res.samples.filter((s) => s.h === undefined).map((s) => ({ labels: s.labels, v: s.v }));
    case 'scalar':
      return [{ labels: {}, v: res.v }];
    default:
      throw new RuleEvalError(`rule result is not a vector or scalar: ${res.type}`);
  }
}

function withoutName(labels: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in labels) if (k !== '__name__' && labels[k] !== '') out[k] = labels[k];
  return out;
}

export class AlertingRule {
  readonly kind = 'alert' as const;
  /** Alerts by the fingerprint of their labels. */
  active = new Map<string, Alert>();
  health: 'unknown' | 'ok' | 'err' = 'unknown';
  lastError = '';
  lastEvaluation = 0;
  evaluationMs = 0;
  private readonly labelTemplates: [string, RuleTemplate][];
  private readonly annotationTemplates: [string, RuleTemplate][];

  constructor(readonly spec: RuleSpec) {
    this.labelTemplates = Object.entries(spec.labels).map(([k, v]) => [k, RuleTemplate.compile(v)]);
    this.annotationTemplates = Object.entries(spec.annotations).map(([k, v]) => [k, RuleTemplate.compile(v)]);
  }

  get name(): string {
    return this.spec.name;
  }

  /** Evaluates at `ts` and returns the ALERTS / ALERTS_FOR_STATE samples to store. */
  async eval(ts: number, ctx: RuleContext): Promise<OutputSample[]> {
    const qt = ts - ctx.queryOffsetMs;
    const samples = await queryVector(ctx.engine, this.spec.expr, qt);
    const query = async (expr: string): Promise<TemplateSample[]> =>
      (await queryVector(ctx.engine, expr, qt)).map((s) => ({
        Labels: new Map(Object.entries(s.labels)),
        Value: s.v,
      }));
    const seen = new Set<string>();
    for (const s of samples) {
      const data = {
        labels: s.labels,
        value: s.v,
        externalLabels: ctx.externalLabels,
        externalURL: ctx.externalURL,
      };
      const expand = (t: RuleTemplate) =>
        t.usesQuery ? t.expand(data, { query, nowMs: ts }) : t.expandSync(data, ts);
      const labels: Record<string, string> = withoutName(s.labels);
      for (const k in ctx.groupLabels) labels[k] = ctx.groupLabels[k];
      for (const [k, t] of this.labelTemplates) {
        const v = await expand(t);
        if (v === '') delete labels[k];
        else labels[k] = v;
      }
      labels.alertname = this.spec.name;
      const annotations: Record<string, string> = {};
      for (const [k, t] of this.annotationTemplates) annotations[k] = await expand(t);
      const fp = labelsKey(labels);
      if (seen.has(fp)) {
        throw new RuleEvalError('vector contains metrics with the same labelset after applying alert labels');
      }
      seen.add(fp);
      const existing = this.active.get(fp);
      if (existing && existing.state !== 'inactive') {
        existing.value = s.v;
        existing.annotations = annotations;
        continue;
      }
      this.active.set(fp, {
        labels,
        annotations,
        state: 'pending',
        value: s.v,
        activeAt: ts,
        firedAt: 0,
        resolvedAt: 0,
        lastSentAt: 0,
        validUntil: 0,
        keepFiringSince: 0,
      });
    }

    const out: OutputSample[] = [];
    let numActive = 0;
    for (const [fp, a] of this.active) {
      if (!seen.has(fp)) {
        let keepFiring = false;
        if (a.state === 'firing' && this.spec.keepFiringForMs > 0) {
          if (a.keepFiringSince === 0) a.keepFiringSince = ts;
          if (ts - a.keepFiringSince < this.spec.keepFiringForMs) keepFiring = true;
        }
        // Pending alerts that vanish are forgotten; resolved ones are kept a while for notification.
        if (a.state === 'pending' || (a.resolvedAt !== 0 && ts - a.resolvedAt > RESOLVED_RETENTION_MS)) {
          this.active.delete(fp);
        }
        if (a.state !== 'inactive' && !keepFiring) {
          a.state = 'inactive';
          a.resolvedAt = ts;
        }
        if (!keepFiring) continue;
      } else {
        a.keepFiringSince = 0;
      }
      numActive++;
      if (a.state === 'pending' && ts - a.activeAt >= this.spec.forMs) {
        a.state = 'firing';
        a.firedAt = ts;
      }
      out.push({ labels: { ...a.labels, __name__: 'ALERTS', alertstate: a.state }, t: qt, v: 1 });
      out.push({ labels: { ...a.labels, __name__: 'ALERTS_FOR_STATE' }, t: qt, v: a.activeAt / 1000 });
    }
    if (ctx.limit > 0 && numActive > ctx.limit) {
      this.active = new Map();
      throw new RuleEvalError(`exceeded limit of ${ctx.limit} with ${numActive} alerts`);
    }
    return out;
  }

  /** The alerts due to be sent at `ts` (Prometheus's needsSending), marked as sent. */
  alertsToSend(ts: number, resendDelayMs: number, intervalMs: number, generatorURL: string): OutgoingAlert[] {
    const out: OutgoingAlert[] = [];
    for (const a of this.active.values()) {
      if (a.state === 'pending') continue;
      const resolvedSinceSend = a.resolvedAt > a.lastSentAt;
      if (!resolvedSinceSend && !(a.lastSentAt + resendDelayMs < ts)) continue;
      a.lastSentAt = ts;
      // Valid for four sends, so two missed evaluations or sends do not resolve it.
      a.validUntil = ts + 4 * Math.max(resendDelayMs, intervalMs);
      out.push({
        labels: a.labels,
        annotations: a.annotations,
        startsAt: a.firedAt,
        endsAt: a.resolvedAt !== 0 ? a.resolvedAt : a.validUntil,
        generatorURL,
      });
    }
    return out;
  }
}
