import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadRuleFile, parseRuleText } from './file.js';
import { checkPromQL } from './promql-syntax.js';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../../test/fixtures/alerting/${name}`, import.meta.url));

describe('rule files', () => {
  it('loads node-exporter-mixin style host rules unchanged', async () => {
    const parsed = await loadRuleFile(fixture('host-rules.yml'));
    assert.deepEqual(parsed.problems, []);
    assert.equal(parsed.groups.length, 2);
    const [rec, alerts] = parsed.groups;
    assert.equal(rec.intervalMs, 30_000);
    assert.equal(alerts.intervalMs, undefined);
    assert.deepEqual(
      alerts.rules.map((r) => r.name),
      [
        'HostFilesystemFillingUp',
        'HostOutOfMemory',
        'HostHighCpuLoad',
        'HostClockSkew',
        'HostNetworkReceiveErrors',
        'NodeExporterDown',
      ],
    );
    const oom = alerts.rules[1];
    assert.equal(oom.forMs, 120_000);
    assert.equal(oom.keepFiringForMs, 300_000);
    assert.equal(oom.labels.severity, 'critical');
    assert.equal(rec.rules[1].kind, 'record');
    assert.equal(rec.rules[1].labels.source, 'recording');
  });

  it('reports every problem with file, line and column', async () => {
    const parsed = await loadRuleFile(fixture('bad-rules.yml'));
    assert.equal(parsed.groups.length, 0);
    const lines = parsed.problems.map((p) => `${p.line}: ${p.message}`);
    const want = [
      /^5: group "broken", rule 1, "MissingParen": could not parse expression/,
      /^6: group "broken", rule 2, "bad name": invalid recording rule name/,
      /^11: group "broken", rule 3, "BadTemplate": annotation summary: template: .*end/,
      /^14: group "broken", rule 4, "job:up:sum": invalid field 'for' in recording rule/,
      /^17: group "broken", rule 5: field severity not found/,
      /^18: groupname: "broken" is repeated/,
    ];
    for (const re of want)
      assert.ok(
        lines.some((l) => re.test(l)),
        `${re} in\n${lines.join('\n')}`,
      );
  });

  it('points at the line inside a block-scalar expression', () => {
    const text = 'groups:\n- name: g\n  rules:\n  - alert: A\n    expr: |\n      up\n      == == 0\n';
    const { problems } = parseRuleText(text, 'x.yml');
    assert.equal(problems.length, 1);
    assert.equal(problems[0].line, 7);
  });

  it('rejects YAML errors and unknown top-level keys with positions', () => {
    assert.match(parseRuleText('groups: [\n', 'y.yml').problems[0].message, /./);
    const p = parseRuleText('groups: []\nrule_files: []\n', 'y.yml').problems[0];
    assert.equal(p.line, 2);
  });

  it('accepts sonde extension functions in PromQL', () => {
    assert.equal(checkPromQL('anomaly_score(rate(http_requests_total[5m])) > 0.9'), null);
    assert.equal(checkPromQL('time_to_threshold(node_filesystem_avail_bytes[6h], 0) < 4 * 3600'), null);
    assert.equal(checkPromQL('trend_slope(x[1h]) > 0 and forecast_linear(x[1h], 3600) > 10'), null);
    assert.notEqual(checkPromQL('rate(x[5m]'), null);
    // Types and function names are checked too, with Prometheus's messages.
    assert.match(checkPromQL('rate(x)')!.message, /expected type range vector in call to function "rate"/);
    assert.match(checkPromQL('nosuch_fn(x)')!.message, /unknown function with name "nosuch_fn"/);
    assert.equal(checkPromQL('sum(x)\n  by (job) +')!.offset > 0, true);
  });
});
