// Alertmanager's generic webhook: the version-4 JSON payload, POSTed.
import type { WebhookConfig } from '../../../config/alerting-schema.js';
import { webhookPayload } from '../notification.js';
import { postJson } from './http.js';
import { IDEMPOTENCY_HEADER, type Integration } from './types.js';

export function webhookIntegration(dest: string, c: WebhookConfig): Integration {
  return {
    dest,
    sendResolved: c.send_resolved,
    render: (d) => webhookPayload(d, c.max_alerts),
    deliver: (body, key) =>
      postJson(c.url, body, { headers: { [IDEMPOTENCY_HEADER]: key }, http: c.http_config }),
  };
}
