// E-mail over SMTP through nodemailer: STARTTLS when the server offers it
// (required when require_tls, Alertmanager's default), AUTH when configured.
// The Message-ID is derived from the notification's idempotency key, so a
// retried message is recognisably the same message.
import nodemailer from 'nodemailer';
import type { AlertingConfig, EmailConfig } from '../../../config/alerting-schema.js';
import { RuleTemplate } from '../../template/index.js';
import type { DeliveryResult } from '../outbox.js';
import { type NotificationData, defaultText, defaultTitle, templateData } from '../notification.js';
import { IDEMPOTENCY_HEADER, type Integration } from './types.js';

interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  readonly headers: Record<string, string>;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;',
  );
}

export function emailIntegration(
  dest: string,
  c: EmailConfig,
  global: AlertingConfig['global'],
): Integration {
  const from = c.from ?? global.smtp_from;
  const smarthost = c.smarthost ?? global.smtp_smarthost;
  if (!from) throw new Error(`${dest}: email_configs need from (or global.smtp_from)`);
  if (!smarthost) throw new Error(`${dest}: email_configs need smarthost (or global.smtp_smarthost)`);
  const i = smarthost.lastIndexOf(':');
  if (i <= 0) throw new Error(`${dest}: smarthost must be HOST:PORT, got "${smarthost}"`);
  const host = smarthost.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(smarthost.slice(i + 1));
  const requireTls = c.require_tls ?? global.smtp_require_tls;
  const user = c.auth_username ?? global.smtp_auth_username;
  const pass = c.auth_password ?? global.smtp_auth_password;
  const transport = nodemailer.createTransport({
    host,
    port,
    // Port 465 is TLS from the first byte; elsewhere STARTTLS upgrades the connection.
    secure: port === 465,
    requireTLS: requireTls && port !== 465,
    name: c.hello ?? global.smtp_hello,
    ...(user ? { auth: { user, pass: pass ?? '' } } : {}),
    tls: {
      rejectUnauthorized: !(c.tls_config?.insecure_skip_verify ?? false),
      ...(c.tls_config?.server_name ? { servername: c.tls_config.server_name } : {}),
    },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  const headerTemplates = Object.entries(c.headers).map(([k, v]) => [k, RuleTemplate.compile(v)] as const);
  const subjectT = headerTemplates.find(([k]) => k.toLowerCase() === 'subject')?.[1];
  const htmlT = c.html !== undefined ? RuleTemplate.compile(c.html) : undefined;
  const textT = c.text !== undefined ? RuleTemplate.compile(c.text) : undefined;

  const render = (d: NotificationData): RenderedMail => {
    const data = templateData(d);
    const text = textT ? textT.render(data) : defaultText(d);
    const headers: Record<string, string> = {};
    for (const [k, t] of headerTemplates)
      if (!['subject', 'to', 'from'].includes(k.toLowerCase())) headers[k] = t.render(data);
    return {
      subject: subjectT ? subjectT.render(data) : defaultTitle(d),
      text,
      html: htmlT ? htmlT.render(data) : `<pre>${escapeHtml(text)}</pre>`,
      headers,
    };
  };

  const deliver = async (body: unknown, key: string): Promise<DeliveryResult> => {
    const mail = body as RenderedMail;
    try {
      await transport.sendMail({
        from,
        to: c.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.html ? { html: mail.html } : {}),
        messageId: `<${key}@sonde>`,
        headers: { ...mail.headers, [IDEMPOTENCY_HEADER]: key },
      });
      return { ok: true };
    } catch (e) {
      const err = e as Error & { responseCode?: number };
      // 5xx SMTP replies are permanent (bad recipient, refused); others (4xx, network) are retried.
      const permanent = err.responseCode !== undefined && err.responseCode >= 500;
      return { ok: false, retry: !permanent, error: err.message };
    }
  };

  return { dest, sendResolved: c.send_resolved, render, deliver, close: () => transport.close() };
}
