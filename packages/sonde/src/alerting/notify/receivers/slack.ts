// Slack incoming webhooks (and Slack-compatible ones: Mattermost, Rocket.Chat):
// one attachment per notification, as Alertmanager's slack_configs send.
// title / text / pretext / ... are rule-template strings over Alertmanager's
// notification data (.Status, .Alerts.Firing, .CommonLabels, ...).
import type { SlackConfig } from '../../../config/alerting-schema.js';
import { RuleTemplate } from '../../template/index.js';
import { type NotificationData, defaultText, defaultTitle, templateData } from '../notification.js';
import { postJson } from './http.js';
import { IDEMPOTENCY_HEADER, type Integration } from './types.js';

const FIELDS = [
  'title',
  'title_link',
  'pretext',
  'text',
  'footer',
  'fallback',
  'color',
  'channel',
  'username',
] as const;

export function slackIntegration(
  dest: string,
  c: SlackConfig,
  globalApiUrl: string | undefined,
): Integration {
  const apiUrl = c.api_url ?? globalApiUrl;
  if (!apiUrl) throw new Error(`${dest}: slack_configs need api_url (or global.slack_api_url)`);
  const templates = new Map<string, RuleTemplate>();
  for (const f of FIELDS) if (c[f] !== undefined) templates.set(f, RuleTemplate.compile(c[f]!));
  const render = (d: NotificationData) => {
    const data = templateData(d);
    const get = (f: (typeof FIELDS)[number], fallback: string) => {
      const t = templates.get(f);
      return t ? t.render(data) : fallback;
    };
    const title = get('title', defaultTitle(d));
    const attachment = {
      title,
      title_link: get('title_link', d.alerts[0]?.generatorURL ?? d.externalURL),
      pretext: get('pretext', ''),
      text: get('text', defaultText(d)),
      fallback: get('fallback', title),
      color: get('color', d.status === 'firing' ? 'danger' : 'good'),
      footer: get('footer', 'sonde'),
      mrkdwn_in: ['fallback', 'pretext', 'text'],
    };
    return {
      ...(c.channel ? { channel: get('channel', '') } : {}),
      ...(c.username ? { username: get('username', '') } : {}),
      ...(c.icon_emoji ? { icon_emoji: c.icon_emoji } : {}),
      ...(c.icon_url ? { icon_url: c.icon_url } : {}),
      attachments: [attachment],
    };
  };
  return {
    dest,
    sendResolved: c.send_resolved,
    render,
    deliver: (body, key) =>
      postJson(apiUrl, body, { headers: { [IDEMPOTENCY_HEADER]: key }, http: c.http_config }),
  };
}
