// The `alerting:` section: Alertmanager's own configuration format (global,
// route, receivers, inhibit_rules), so an existing alertmanager.yml pastes in,
// plus Prometheus's `alertmanagers:` for forwarding to a running Alertmanager
// and sonde's rule-evaluation settings. Keys sonde does not know (say
// pagerduty_configs) are rejected with their line, never silently ignored.
import { z } from 'zod';

const duration = z.string().regex(/^((\d+(ms|s|m|h|d|w|y))+|0)$/, 'must be a duration such as 30s, 5m, 4h');

const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a label name');
const url = z.url('must be an http(s) URL');

/** Alertmanager's matcher strings, e.g. `severity="critical"`, `team=~"db|web"`; parsed at start-up. */
const matcherList = z.array(z.string().min(1));
const labelMap = z.record(labelName, z.string());

const tlsConfig = z
  .object({
    insecure_skip_verify: z.boolean().default(false),
    ca_file: z.string().optional(),
    /** A client certificate and its key, for receivers that ask for one (mutual TLS). */
    cert_file: z.string().optional(),
    key_file: z.string().optional(),
    server_name: z.string().optional(),
  })
  .strict()
  .refine((t) => !t.cert_file === !t.key_file, { message: 'cert_file and key_file go together' });

const httpConfig = z
  .object({
    basic_auth: z.object({ username: z.string(), password: z.string() }).strict().optional(),
    authorization: z
      .object({ type: z.string().default('Bearer'), credentials: z.string() })
      .strict()
      .optional(),
    bearer_token: z.string().optional(),
    tls_config: tlsConfig.optional(),
  })
  .strict();

export const webhookConfigSchema = z
  .object({
    url,
    send_resolved: z.boolean().default(true),
    max_alerts: z.number().int().min(0).default(0),
    http_config: httpConfig.optional(),
  })
  .strict();

export const slackConfigSchema = z
  .object({
    api_url: url.optional(),
    channel: z.string().optional(),
    username: z.string().optional(),
    icon_emoji: z.string().optional(),
    icon_url: z.string().optional(),
    color: z.string().optional(),
    title: z.string().optional(),
    title_link: z.string().optional(),
    pretext: z.string().optional(),
    text: z.string().optional(),
    footer: z.string().optional(),
    fallback: z.string().optional(),
    send_resolved: z.boolean().default(false),
    http_config: httpConfig.optional(),
  })
  .strict();

export const emailConfigSchema = z
  .object({
    to: z.string().min(1),
    from: z.string().optional(),
    smarthost: z.string().optional(),
    hello: z.string().optional(),
    auth_username: z.string().optional(),
    auth_password: z.string().optional(),
    require_tls: z.boolean().optional(),
    tls_config: tlsConfig.optional(),
    headers: z.record(z.string(), z.string()).default({}),
    html: z.string().optional(),
    text: z.string().optional(),
    send_resolved: z.boolean().default(false),
  })
  .strict();

export const receiverSchema = z
  .object({
    name: z.string().min(1),
    webhook_configs: z.array(webhookConfigSchema).default([]),
    slack_configs: z.array(slackConfigSchema).default([]),
    email_configs: z.array(emailConfigSchema).default([]),
  })
  .strict();

export interface RouteConfig {
  receiver?: string;
  group_by?: string[];
  continue: boolean;
  matchers: string[];
  match: Record<string, string>;
  match_re: Record<string, string>;
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  routes: RouteConfig[];
}

export const routeSchema: z.ZodType<RouteConfig, unknown> = z.lazy(() =>
  z
    .object({
      receiver: z.string().optional(),
      group_by: z.array(z.string()).optional(),
      continue: z.boolean().default(false),
      matchers: matcherList.default([]),
      match: labelMap.default({}),
      match_re: labelMap.default({}),
      group_wait: duration.optional(),
      group_interval: duration.optional(),
      repeat_interval: duration.optional(),
      routes: z.array(routeSchema).default([]),
    })
    .strict(),
);

export const inhibitRuleSchema = z
  .object({
    source_matchers: matcherList.default([]),
    target_matchers: matcherList.default([]),
    source_match: labelMap.default({}),
    source_match_re: labelMap.default({}),
    target_match: labelMap.default({}),
    target_match_re: labelMap.default({}),
    equal: z.array(labelName).default([]),
  })
  .strict();

export const alertmanagerTargetSchema = z
  .object({
    static_configs: z.array(z.object({ targets: z.array(z.string().min(1)) }).strict()).min(1),
    scheme: z.enum(['http', 'https']).default('http'),
    path_prefix: z.string().default('/'),
    timeout: duration.default('10s'),
    api_version: z.literal('v2').default('v2'),
    http_config: httpConfig.optional(),
  })
  .strict();

export const alertingSchema = z
  .object({
    /** How often rule groups without their own `interval` are evaluated. */
    evaluation_interval: duration.default('15s'),
    external_labels: labelMap.default({}),
    /** The URL alerts link back to; empty means sonde's own listen address. */
    external_url: z.string().default(''),
    /** Prometheus's --rules.alert.resend-delay. */
    resend_delay: duration.default('1m'),
    builtin_rules: z
      .object({
        enabled: z.boolean().default(true),
        /** Built-in alerts to switch off, by alert name (e.g. HostClockSkew). */
        disabled: z.array(z.string()).default([]),
      })
      .strict()
      .default({ enabled: true, disabled: [] }),
    /** Prometheus's alertmanagers: forward every alert to these Alertmanagers (API v2). */
    alertmanagers: z.array(alertmanagerTargetSchema).default([]),
    global: z
      .object({
        resolve_timeout: duration.default('5m'),
        smtp_from: z.string().optional(),
        smtp_smarthost: z.string().optional(),
        smtp_hello: z.string().default('localhost'),
        smtp_auth_username: z.string().optional(),
        smtp_auth_password: z.string().optional(),
        smtp_require_tls: z.boolean().default(true),
        slack_api_url: url.optional(),
        http_config: httpConfig.optional(),
      })
      .strict()
      .default({ resolve_timeout: '5m', smtp_hello: 'localhost', smtp_require_tls: true }),
    route: routeSchema.optional(),
    receivers: z.array(receiverSchema).default([]),
    inhibit_rules: z.array(inhibitRuleSchema).default([]),
    /** Accepted for compatibility; sonde formats notifications itself. */
    templates: z.array(z.string()).default([]),
  })
  .strict()
  .superRefine((a, ctx) => {
    const names = new Set<string>();
    for (const [i, r] of a.receivers.entries()) {
      if (names.has(r.name))
        ctx.addIssue({
          code: 'custom',
          path: ['receivers', i, 'name'],
          message: `receiver "${r.name}" is defined twice`,
        });
      names.add(r.name);
    }
    if (a.route && !a.route.receiver)
      ctx.addIssue({
        code: 'custom',
        path: ['route', 'receiver'],
        message: 'the root route must name a receiver',
      });
    const check = (route: RouteConfig, path: (string | number)[]) => {
      if (route.receiver && !names.has(route.receiver)) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'receiver'],
          message: `undefined receiver "${route.receiver}"`,
        });
      }
      for (const [i, r] of route.routes.entries()) check(r, [...path, 'routes', i]);
    };
    if (a.route) check(a.route, ['route']);
    if (!a.route && a.receivers.length > 0)
      ctx.addIssue({ code: 'custom', path: ['route'], message: 'receivers need a route' });
  });

export type AlertingConfig = z.infer<typeof alertingSchema>;
export type ReceiverConfig = z.infer<typeof receiverSchema>;
export type WebhookConfig = z.infer<typeof webhookConfigSchema>;
export type SlackConfig = z.infer<typeof slackConfigSchema>;
export type EmailConfig = z.infer<typeof emailConfigSchema>;
export type InhibitRuleConfig = z.infer<typeof inhibitRuleSchema>;
export type AlertmanagerTargetConfig = z.infer<typeof alertmanagerTargetSchema>;
export type HttpConfig = z.infer<typeof httpConfig>;
