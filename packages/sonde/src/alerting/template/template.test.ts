import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  RuleTemplate,
  checkTemplate,
  formatFloat,
  formatG,
  humanize,
  humanize1024,
  humanizeDuration,
  sprintf,
} from './index.js';

const data = {
  labels: { instance: 'node-1:9100', job: 'node', mountpoint: '/var', __name__: 'up' },
  value: 0.1234,
  externalLabels: { cluster: 'eu-1' },
  externalURL: 'http://sonde.example:9977',
};

function x(text: string, d = data): string {
  return RuleTemplate.compile(text).expandSync(d, 0);
}

describe('Go number formatting', () => {
  it('prints float64 as %v does', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [1, '1'],
      [0.1234, '0.1234'],
      [100000, '100000'],
      [1e6, '1e+06'],
      [1234567, '1.234567e+06'],
      [12.5, '12.5'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [-3.5, '-3.5'],
      [NaN, 'NaN'],
      [Infinity, '+Inf'],
      [-Infinity, '-Inf'],
    ];
    for (const [v, want] of cases) assert.equal(formatFloat(v), want, String(v));
  });

  it('%.4g', () => {
    assert.equal(formatG(2.5, 4), '2.5');
    assert.equal(formatG(100, 4), '100');
    assert.equal(formatG(123456, 4), '1.235e+05');
    assert.equal(formatG(0.000012, 4), '1.2e-05');
    assert.equal(formatG(1023.9, 4), '1024');
  });

  it('printf', () => {
    assert.equal(sprintf('%.2f%%', [12.345]), '12.35%');
    assert.equal(sprintf('%s is %d', ['a', 3]), 'a is 3');
    assert.equal(sprintf('%5.1f|%-4s|%04d', [3.25, 'x', 7]), '  3.2|x   |0007');
    assert.equal(sprintf('%q %v %g', ['a"b', 1e6, 0.5]), '"a\\"b" 1e+06 0.5');
    assert.equal(sprintf('%d', []), '%!d(MISSING)');
    // Go rounds the exact value, halves to even.
    assert.equal(sprintf('%.1f %.2f %.0f %.0f %.2f', [3.25, 0.125, 2.5, 3.5, 0.005]), '3.2 0.12 2 4 0.01');
  });
});

describe('Prometheus humanize functions', () => {
  it('humanize', () => {
    assert.equal(humanize(0), '0');
    assert.equal(humanize(1234), '1.234k');
    assert.equal(humanize(1_500_000_000), '1.5G');
    assert.equal(humanize(0.0012), '1.2m');
    assert.equal(humanize('2048'), '2.048k');
  });
  it('humanize1024', () => {
    assert.equal(humanize1024(1024), '1ki');
    assert.equal(humanize1024(5 * 1024 ** 3), '5Gi');
    assert.equal(humanize1024(0.5), '0.5');
  });
  it('humanizeDuration', () => {
    assert.equal(humanizeDuration(0), '0s');
    assert.equal(humanizeDuration(1.5), '1.5s');
    assert.equal(humanizeDuration(90), '1m 30s');
    assert.equal(humanizeDuration(3 * 86400 + 3600 + 5), '3d 1h 0m 5s');
    assert.equal(humanizeDuration(0.25), '250ms');
    assert.equal(humanizeDuration(-90), '-1m 30s');
  });
});

describe('rule templates', () => {
  it('expands $labels, $value, $externalLabels and .Labels', () => {
    assert.equal(x('{{ $labels.instance }} at {{ $value }}'), 'node-1:9100 at 0.1234');
    assert.equal(x('{{ .Labels.job }}/{{ $externalLabels.cluster }}'), 'node/eu-1');
    assert.equal(x('[{{ $labels.missing }}]'), '[]');
    assert.equal(x('{{ $value | humanizePercentage }}'), '12.34%');
    assert.equal(x('{{ printf "%.2f" $value }}'), '0.12');
    assert.equal(
      x('{{ $labels.job | toUpper }} {{ "HeLLo" | toLower }} {{ title "disk full on var" }}'),
      'NODE hello Disk Full On Var',
    );
  });

  it('if / else if / else, with, range, variables and trim markers', () => {
    assert.equal(x('{{ if gt $value 0.5 }}high{{ else if gt $value 0.1 }}mid{{ else }}low{{ end }}'), 'mid');
    assert.equal(x('{{ with $labels.mountpoint }}on {{ . }}{{ end }}'), 'on /var');
    assert.equal(x('{{ with $labels.nope }}x{{ else }}none{{ end }}'), 'none');
    assert.equal(
      x('{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}'),
      '__name__=up;instance=node-1:9100;job=node;mountpoint=/var;',
    );
    assert.equal(x('{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}'), '2');
    assert.equal(x('a  {{- " b " -}}  c'), 'a b c');
    assert.equal(x('{{/* a comment */}}ok'), 'ok');
    assert.equal(x('{{ reReplaceAll "(.*):.*" "$1" $labels.instance }}'), 'node-1');
    assert.equal(x('{{ $labels.instance | stripPort }}'), 'node-1');
    assert.equal(x('{{ if and (eq $labels.job "node") (ne $value 0.0) }}yes{{ end }}'), 'yes');
    assert.equal(x('{{ len $labels }} {{ index $labels "job" }}'), '4 node');
  });

  it('reports problems as Prometheus does: parse errors with offsets, run-time errors inline', () => {
    assert.match(checkTemplate('{{ if $value }}x')!.message, /no \{\{end\}\}/);
    assert.match(checkTemplate('{{ $labels.instance ')!.message, /unclosed action/);
    assert.equal(checkTemplate('{{ humanize $value }}'), null);
    assert.match(x('{{ nosuchfn 1 }}'), /^<error expanding template: function "nosuchfn" not defined>$/);
    assert.match(x('{{ humanize "abc" }}'), /<error expanding template: error calling humanize/);
  });

  it('runs query through the engine, and first/value/label over its result', async () => {
    const t = RuleTemplate.compile(
      '{{ with printf "node_filesystem_size_bytes{instance=%q}" $labels.instance | query }}{{ . | first | value | humanize1024 }}B{{ end }}',
    );
    const asked: string[] = [];
    const out = await t.expand(data, {
      query: async (expr) => {
        asked.push(expr);
        return [{ Labels: new Map([['instance', 'node-1:9100']]), Value: 2 * 1024 ** 3 }];
      },
    });
    assert.equal(out, '2GiB');
    assert.deepEqual(asked, ['node_filesystem_size_bytes{instance="node-1:9100"}']);
  });
});
