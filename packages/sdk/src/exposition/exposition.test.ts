import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Counter } from '../counter.js';
import { Registry } from '../registry.js';
import {
  escapeLabelValue,
  type ExpositionFamily,
  formatValue,
  negotiate,
  openMetricsFamilyName,
  writeOpenMetrics,
  writeText,
} from './index.js';

/** Inverse of the label-value escaping (what a Prometheus parser does). */
function unescapeLabelValue(v: string): string {
  return v.replace(/\\(["\\n])/g, (_m, c: string) => (c === 'n' ? '\n' : c));
}

const families: ExpositionFamily[] = [
  {
    name: 'node_cpu_seconds_total',
    help: 'Seconds the CPUs spent in each mode.',
    type: 'counter',
    samples: [
      { labels: { cpu: '0', mode: 'idle' }, value: 12.5 },
      { labels: { cpu: '0', mode: 'user' }, value: 3 },
    ],
  },
  {
    name: 'node_load1',
    help: '1m load average.\nSecond line with \\ backslash.',
    type: 'gauge',
    samples: [{ value: 0.25, timestampMs: 1_700_000_000_123 }],
  },
  {
    name: 'req_duration_seconds',
    help: 'Request latency.',
    type: 'histogram',
    unit: 'seconds',
    samples: [
      { name: 'req_duration_seconds_bucket', labels: { le: '0.1' }, value: 1 },
      { name: 'req_duration_seconds_bucket', labels: { le: '+Inf' }, value: 2 },
      { name: 'req_duration_seconds_sum', value: 0.35 },
      { name: 'req_duration_seconds_count', value: 2 },
    ],
  },
  {
    name: 'weird',
    help: 'NaN and infinities.',
    type: 'gauge',
    samples: [
      { labels: { k: 'nan' }, value: Number.NaN },
      { labels: { k: 'inf' }, value: Number.POSITIVE_INFINITY },
    ],
  },
];

describe('exposition writers', () => {
  it('writeText writes text format 0.0.4 that promtool accepts', () => {
    const text = writeText(families);
    assert.match(text, /^# HELP node_load1 1m load average\.\\nSecond line with \\\\ backslash\.$/m);
    assert.match(text, /^node_cpu_seconds_total\{cpu="0",mode="idle"\} 12\.5$/m);
    assert.match(text, /^node_load1 0\.25 1700000000123$/m);
    assert.match(text, /^weird\{k="nan"\} NaN$/m);
    assert.match(text, /^weird\{k="inf"\} \+Inf$/m);
    const r = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('writeOpenMetrics: counter families without _total, UNIT, seconds timestamps, # EOF', () => {
    const om = writeOpenMetrics(families);
    assert.match(om, /^# TYPE node_cpu_seconds counter$/m);
    assert.match(om, /^node_cpu_seconds_total\{cpu="0",mode="user"\} 3$/m);
    assert.match(om, /^# TYPE req_duration_seconds histogram\n# UNIT req_duration_seconds seconds\n/m);
    assert.match(om, /^node_load1 0\.25 1700000000\.123$/m);
    assert.ok(om.endsWith('# EOF\n'));
    assert.equal(openMetricsFamilyName('a_total', 'gauge'), 'a_total');
  });

  it('label values and help survive escaping (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        async (value, help) => {
          assert.equal(unescapeLabelValue(escapeLabelValue(value)), value);
          const reg = new Registry();
          new Counter({ name: 'p_total', help: help || 'h', labelNames: ['v'], registers: [reg] }).inc({
            v: value,
          });
          const line = (await reg.metrics()).split('\n').find((l) => l.startsWith('p_total{'))!;
          const m = /^p_total\{v="((?:[^"\\]|\\.)*)"\} 1$/.exec(line);
          assert.ok(m, line);
          assert.equal(unescapeLabelValue(m[1]), value);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('formats values as Go parses them', () => {
    assert.equal(formatValue(1e-7), '1e-7');
    assert.equal(formatValue(-0.5), '-0.5');
    assert.equal(formatValue(Number.NEGATIVE_INFINITY), '-Inf');
    assert.equal(negotiate('application/openmetrics-text; version=1.0.0; charset=utf-8'), 'openmetrics');
  });
});
