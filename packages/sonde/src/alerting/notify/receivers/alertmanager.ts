// Forwarding to a running Prometheus Alertmanager, as Prometheus does:
// alerts POSTed to /api/v2/alerts, re-sent while they fire, with their end
// time so Alertmanager resolves them. Alertmanager deduplicates by labels.
import type { AlertmanagerTargetConfig } from '../../../config/alerting-schema.js';
import { parsePromDuration } from '../../rules/file.js';
import type { OutgoingAlert } from '../../rules/alerting-rule.js';
import type { DeliveryResult } from '../outbox.js';
import { rfc3339 } from '../notification.js';
import { postJson } from './http.js';
import { IDEMPOTENCY_HEADER } from './types.js';

export interface AlertmanagerTarget {
  /** `alertmanager/<url>`: the outbox destination. */
  readonly dest: string;
  readonly url: string;
  deliver(body: unknown, key: string): Promise<DeliveryResult>;
}

export function alertmanagerTargets(configs: readonly AlertmanagerTargetConfig[]): AlertmanagerTarget[] {
  const out: AlertmanagerTarget[] = [];
  for (const c of configs) {
    const prefix = `/${c.path_prefix.replace(/^\/+|\/+$/g, '')}`.replace(/^\/$/, '');
    const timeoutMs = parsePromDuration(c.timeout);
    for (const sc of c.static_configs) {
      for (const target of sc.targets) {
        const url = `${c.scheme}://${target}${prefix}/api/v2/alerts`;
        out.push({
          dest: `alertmanager/${url}`,
          url,
          deliver: (body, key) =>
            postJson(url, body, { headers: { [IDEMPOTENCY_HEADER]: key }, timeoutMs, http: c.http_config }),
        });
      }
    }
  }
  return out;
}

/** Alertmanager API v2's PostableAlerts. */
export function postableAlerts(alerts: readonly OutgoingAlert[]): unknown[] {
  return alerts.map((a) => ({
    labels: a.labels,
    annotations: a.annotations,
    startsAt: rfc3339(a.startsAt),
    endsAt: rfc3339(a.endsAt),
    generatorURL: a.generatorURL,
  }));
}
