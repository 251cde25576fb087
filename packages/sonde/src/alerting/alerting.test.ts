import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { configSchema } from '../config/schema.js';
import { MemoryStorage } from '../storage/index.js';
import { alertingConfigProblems, createAlerting, expandRuleFiles } from './alerting.js';
import { FakeClock } from './clock.js';
import { FakeEngine } from './testing/fake-engine.js';

const dir = mkdtempSync(join(tmpdir(), 'sonde-alerting-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const logger = pino({ level: 'silent' });

describe('createAlerting', () => {
  it('names what it cannot use in an alerting config', () => {
    const config = configSchema.parse({
      alerting: {
        route: { receiver: 'a', routes: [{ matchers: ['severity=~"(unclosed"'], receiver: 'b' }] },
        inhibit_rules: [{ source_matchers: ['nonsense'], equal: [] }],
        receivers: [
          { name: 'a', slack_configs: [{ text: '{{ if .Status }}' }] },
          { name: 'b', email_configs: [{ to: 'x@example.org' }] },
        ],
      },
    });
    const problems = alertingConfigProblems(config);
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems[0], /^alerting\.route: bad regular expression in severity=~"\(unclosed"/);
    assert.match(problems[1], /^alerting\.inhibit_rules: bad matcher "nonsense"/);
    assert.match(problems[2], /^alerting\.receivers: a\/slack\/0: slack_configs need api_url/);
    assert.throws(
      () =>
        createAlerting({
          config,
          engine: new FakeEngine(),
          storage: new MemoryStorage(),
          dataDir: null,
          logger,
        }),
      /invalid alerting configuration/,
    );
  });

  it('rejects unknown receiver kinds and undefined receivers with their path', () => {
    const r = configSchema.safeParse({
      alerting: {
        route: { receiver: 'x', routes: [{ receiver: 'y' }] },
        receivers: [{ name: 'x', pagerduty_configs: [] }],
      },
    });
    assert.equal(r.success, false);
    const issues = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    assert.ok(issues.some((i) => /receivers\.0.*pagerduty_configs/.test(i)));
    assert.ok(issues.some((i) => /route\.routes\.0\.receiver: undefined receiver "y"/.test(i)));
  });

  it('expands rule_files globs in the file name', async () => {
    for (const f of ['a.rules.yml', 'b.rules.yml', 'c.yaml']) writeFileSync(join(dir, f), 'groups: []\n');
    assert.deepEqual(await expandRuleFiles(['*.rules.yml', 'c.yaml', 'missing-*.yml'], dir), [
      join(dir, 'a.rules.yml'),
      join(dir, 'b.rules.yml'),
      join(dir, 'c.yaml'),
    ]);
  });

  it('keeps silences across a restart', async () => {
    const clock = new FakeClock();
    const make = () =>
      createAlerting({
        config: configSchema.parse({ alerting: { builtin_rules: { enabled: false } } }),
        engine: new FakeEngine(),
        storage: new MemoryStorage(),
        dataDir: join(dir, 'data'),
        logger,
        clock,
      });
    const one = make();
    await one.start();
    const id = await one.silences.upsert({
      matchers: [{ name: 'alertname', value: 'Disk.*', isRegex: true }],
      endsAt: clock.now() + 3_600_000,
      createdBy: 'ops',
      comment: 'resizing volumes',
    });
    await one.stop();
    const two = make();
    await two.start();
    const s = two.silences.get(id);
    assert.equal(s?.comment, 'resizing volumes');
    assert.equal(s?.state, 'active');
    await two.stop();
  });
});
