// What one notification carries: Alertmanager's template data (receiver,
// status, alerts, group / common labels and annotations), and the JSON form
// Alertmanager's webhook sends (payload version 4).
import type { Labels } from '../../storage/types.js';

export interface NotifiedAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Labels;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: number;
  /** 0 while firing (Alertmanager zeroes it so that alerts never look resolved early). */
  readonly endsAt: number;
  readonly generatorURL: string;
  readonly fingerprint: string;
}

export interface NotificationData {
  readonly receiver: string;
  readonly status: 'firing' | 'resolved';
  readonly alerts: readonly NotifiedAlert[];
  readonly groupLabels: Labels;
  readonly commonLabels: Labels;
  readonly commonAnnotations: Readonly<Record<string, string>>;
  readonly externalURL: string;
  readonly groupKey: string;
  readonly truncatedAlerts: number;
}

function common(maps: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  if (maps.length === 0) return {};
  const out: Record<string, string> = { ...maps[0] };
  for (const m of maps.slice(1)) for (const k of Object.keys(out)) if (m[k] !== out[k]) delete out[k];
  return out;
}

export function notificationData(
  receiver: string,
  groupKey: string,
  groupLabels: Labels,
  alerts: readonly NotifiedAlert[],
  externalURL: string,
): NotificationData {
  return {
    receiver,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts,
    groupLabels,
    commonLabels: common(alerts.map((a) => a.labels)),
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL,
    groupKey,
    truncatedAlerts: 0,
  };
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

export function rfc3339(ms: number): string {
  return ms ? new Date(ms).toISOString() : ZERO_TIME;
}

/** Alertmanager's webhook JSON (version 4), at most `maxAlerts` alerts (0 = all). */
export function webhookPayload(d: NotificationData, maxAlerts = 0): Record<string, unknown> {
  const alerts = maxAlerts > 0 ? d.alerts.slice(0, maxAlerts) : d.alerts;
  return {
    version: '4',
    groupKey: d.groupKey,
    truncatedAlerts: d.alerts.length - alerts.length,
    status: d.status,
    receiver: d.receiver,
    groupLabels: d.groupLabels,
    commonLabels: d.commonLabels,
    commonAnnotations: d.commonAnnotations,
    externalURL: d.externalURL,
    alerts: alerts.map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: rfc3339(a.startsAt),
      endsAt: rfc3339(a.endsAt),
      generatorURL: a.generatorURL,
      fingerprint: a.fingerprint,
    })),
  };
}

function sortedMap(labels: Readonly<Record<string, string>>): Map<string, string> {
  return new Map(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

/**
 * The data a Slack or e-mail template sees, shaped like Alertmanager's
 * (.Status, .Alerts, .Alerts.Firing, .GroupLabels, .CommonLabels, ...).
 */
export function templateData(d: NotificationData): Record<string, unknown> {
  const alerts = d.alerts.map((a) => ({
    Status: a.status,
    Labels: sortedMap(a.labels),
    Annotations: sortedMap(a.annotations),
    StartsAt: new Date(a.startsAt),
    EndsAt: new Date(a.endsAt),
    GeneratorURL: a.generatorURL,
    Fingerprint: a.fingerprint,
  }));
  const list = Object.assign([...alerts], {
    Firing: alerts.filter((a) => a.Status === 'firing'),
    Resolved: alerts.filter((a) => a.Status === 'resolved'),
  });
  return {
    Receiver: d.receiver,
    Status: d.status,
    Alerts: list,
    GroupLabels: sortedMap(d.groupLabels),
    CommonLabels: sortedMap(d.commonLabels),
    CommonAnnotations: sortedMap(d.commonAnnotations),
    ExternalURL: d.externalURL,
  };
}

/** `[FIRING:2] HighLatency api` — Alertmanager's default title shape. */
export function defaultTitle(d: NotificationData): string {
  const firing = d.alerts.filter((a) => a.status === 'firing').length;
  const head = d.status === 'firing' ? `[FIRING:${firing}]` : '[RESOLVED]';
  const values = Object.keys(d.groupLabels)
    .sort()
    .map((k) => d.groupLabels[k]);
  const extra = Object.keys(d.commonLabels)
    .filter((k) => !(k in d.groupLabels))
    .sort()
    .map((k) => d.commonLabels[k]);
  return [head, ...values, ...(extra.length ? [`(${extra.join(' ')})`] : [])].join(' ');
}

/** A readable body listing each alert with its summary, description and runbook. */
export function defaultText(d: NotificationData): string {
  const lines: string[] = [];
  for (const a of d.alerts) {
    const what = a.annotations.summary ?? a.labels.alertname ?? 'alert';
    lines.push(`${a.status === 'firing' ? '🔥' : '✅'} ${what}`);
    if (a.annotations.description) lines.push(`   ${a.annotations.description}`);
    const runbook = a.annotations.runbook_url ?? a.annotations.runbook;
    if (runbook) lines.push(`   Runbook: ${runbook}`);
    const labels = Object.keys(a.labels)
      .sort()
      .map((k) => `${k}=${a.labels[k]}`)
      .join(', ');
    lines.push(`   Labels: ${labels}`);
    if (a.generatorURL) lines.push(`   Source: ${a.generatorURL}`);
  }
  return lines.join('\n');
}
