// E-mail through a real SMTP server on loopback (STARTTLS), and the Slack
// incoming-webhook format.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { Receiver, harness, tempDir } from './support.js';

const RULES = `
groups:
  - name: host
    rules:
      - alert: DiskFull
        expr: disk_used > 0.9
        labels: { severity: critical }
        annotations:
          summary: 'Disk {{ $labels.mountpoint }} is {{ $value | humanizePercentage }} full'
          runbook_url: https://runbooks.example/disk
`;

interface Mail {
  readonly from: string;
  readonly to: string[];
  readonly raw: string;
  readonly secure: boolean;
  readonly user: string | undefined;
}

describe('receivers', () => {
  const dirs: (() => void)[] = [];
  after(() => {
    for (const d of dirs) d();
  });

  it('sends e-mail over SMTP with STARTTLS and AUTH, Message-ID from the idempotency key', async () => {
    const mails: Mail[] = [];
    const server = new SMTPServer({
      secure: false,
      authOptional: false,
      onAuth(auth, _session, cb) {
        if (auth.username === 'sonde' && auth.password === 'secret') cb(null, { user: auth.username });
        else cb(new Error('bad credentials'));
      },
      onData(stream, session, cb) {
        let raw = '';
        stream.setEncoding('utf8');
        stream.on('data', (c: string) => void (raw += c));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            secure: session.secure,
            user: session.user as string | undefined,
          });
          cb();
        });
      },
      logger: false,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.server.address() as AddressInfo).port;
    const dir = tempDir('sonde-smtp-');
    dirs.push(dir.remove);
    const { alerting, clock, engine } = harness({
      dir: dir.path,
      rules: RULES,
      alerting: {
        global: {
          smtp_from: 'sonde@example.org',
          smtp_smarthost: `127.0.0.1:${port}`,
          smtp_auth_username: 'sonde',
          smtp_auth_password: 'secret',
        },
        route: { receiver: 'ops', group_wait: '0s' },
        receivers: [
          {
            name: 'ops',
            email_configs: [
              { to: 'ops@example.org', require_tls: true, tls_config: { insecure_skip_verify: true } },
            ],
          },
        ],
      },
    });
    engine.set('disk_used > 0.9', [{ labels: { mountpoint: '/var', instance: 'db1' }, v: 0.97 }]);
    await alerting.start();
    await clock.advance(30_000);
    assert.equal(mails.length, 1, JSON.stringify(alerting.notifications()));
    const [mail] = mails;
    assert.equal(mail.from, 'sonde@example.org');
    assert.deepEqual(mail.to, ['ops@example.org']);
    assert.equal(mail.secure, true, 'upgraded with STARTTLS');
    assert.equal(mail.user, 'sonde');
    // No group_by on the route: one group, its title lists the common labels, as Alertmanager's does.
    assert.match(mail.raw, /^Subject: \[FIRING:1\] \(DiskFull db1 \/var critical\)/m);
    const body = mail.raw.replace(/=\r\n/g, '');
    assert.match(body, /Disk \/var is 97% full/);
    assert.match(body, /Runbook: https:\/\/runbooks\.example\/disk/);
    const [n] = alerting.notifications();
    assert.match(mail.raw, new RegExp(`^Message-ID: <${n.id}@sonde>`, 'mi'));
    await alerting.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends Slack incoming-webhook JSON, with templates over Alertmanager notification data', async () => {
    const slack = new Receiver();
    await slack.up();
    const dir = tempDir('sonde-slack-');
    dirs.push(dir.remove);
    const { alerting, clock, engine } = harness({
      dir: dir.path,
      rules: RULES,
      alerting: {
        global: { slack_api_url: slack.url },
        route: { receiver: 'chat', group_by: ['alertname'], group_wait: '0s', group_interval: '1m' },
        receivers: [
          {
            name: 'chat',
            slack_configs: [
              {
                channel: '#alerts',
                send_resolved: true,
                text: '{{ range .Alerts }}{{ .Annotations.summary }} ({{ .Labels.instance }}){{ end }}',
              },
            ],
          },
        ],
      },
    });
    let full = true;
    engine.set('disk_used > 0.9', () =>
      full ? [{ labels: { mountpoint: '/', instance: 'web1' }, v: 0.95 }] : [],
    );
    await alerting.start();
    await clock.advance(30_000);
    full = false;
    await clock.advance(2 * 60_000);
    assert.equal(slack.received.length, 2);
    const [firing, resolved] = slack.received.map(
      (r) => r.body as { channel: string; attachments: Record<string, string>[] },
    );
    assert.equal(firing.channel, '#alerts');
    assert.equal(firing.attachments[0].title, '[FIRING:1] DiskFull (web1 / critical)');
    assert.equal(firing.attachments[0].color, 'danger');
    assert.equal(firing.attachments[0].text, 'Disk / is 95% full (web1)');
    assert.equal(resolved.attachments[0].color, 'good');
    assert.match(resolved.attachments[0].title, /^\[RESOLVED\] DiskFull/);
    await alerting.stop();
    await slack.down();
  });
});
