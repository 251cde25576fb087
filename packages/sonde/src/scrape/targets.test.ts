import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scrapeConfigSchema } from '../config/schema.js';
import { parseTargetGroups } from './file-sd.js';
import { formatDuration, populateTarget, resolveScrapeConfig } from './targets.js';

const rc = (extra: Record<string, unknown> = {}) =>
  resolveScrapeConfig(scrapeConfigSchema.parse({ job_name: 'node', scrape_interval: '15s', ...extra }));

describe('scrape targets (Prometheus populateLabels)', () => {
  it('adds the scheme default port, instance, job; drops __meta_* and keeps discovered labels', () => {
    const r = populateTarget(rc({ scheme: 'https', params: { a: ['1', '2'] } }), {
      __address__: 'host',
      __meta_x: 'm',
      team: 't',
    });
    assert.ok('target' in r);
    assert.deepEqual(r.target.labels, { instance: 'host:443', job: 'node', team: 't' });
    assert.equal(r.target.url, 'https://host:443/metrics?a=1&a=2');
    assert.equal(r.target.intervalMs, 15_000);
    assert.equal(r.target.timeoutMs, 10_000);
    assert.deepEqual(r.target.discoveredLabels, {
      __address__: 'host',
      __meta_x: 'm',
      team: 't',
      job: 'node',
      __scrape_interval__: '15s',
      __scrape_timeout__: '10s',
      __metrics_path__: '/metrics',
      __scheme__: 'https',
      __param_a: '1',
    });
  });

  it('lets relabeling set the address, path, interval and instance', () => {
    const r = populateTarget(
      rc({
        relabel_configs: [
          { source_labels: ['__address__'], target_label: '__param_target' },
          { target_label: '__address__', replacement: 'exporter:9115' },
          { target_label: '__metrics_path__', replacement: '/probe' },
          { target_label: '__scrape_interval__', replacement: '30s' },
          { source_labels: ['__param_target'], target_label: 'instance' },
        ],
      }),
      { __address__: 'example.org' },
    );
    assert.ok('target' in r);
    assert.equal(r.target.url, 'http://exporter:9115/probe?target=example.org');
    assert.deepEqual(r.target.labels, { instance: 'example.org', job: 'node' });
    assert.equal(r.target.intervalMs, 30_000);
  });

  it('drops targets by relabeling, and reports unusable ones', () => {
    assert.ok(
      'dropped' in
        populateTarget(rc({ relabel_configs: [{ action: 'drop', source_labels: ['__address__'] }] }), {
          __address__: 'a:1',
        }),
    );
    const noAddr = populateTarget(rc({ relabel_configs: [{ action: 'labeldrop', regex: '__address__' }] }), {
      __address__: 'a:1',
    });
    assert.ok('dropped' in noAddr && noAddr.error === 'no address');
    const badInterval = populateTarget(
      rc({ relabel_configs: [{ target_label: '__scrape_timeout__', replacement: '1m' }] }),
      {
        __address__: 'a:1',
      },
    );
    assert.ok('dropped' in badInterval && /not greater than the interval/.test(badInterval.error ?? ''));
  });

  it('formats durations like Go model.Duration', () => {
    assert.deepEqual([60_000, 90_000, 500, 15_000, 86_400_000 * 14, 0].map(formatDuration), [
      '1m',
      '1m30s',
      '500ms',
      '15s',
      '2w',
      '0s',
    ]);
  });

  it('parses file_sd JSON and YAML; rejects bad files with the reason', () => {
    assert.deepEqual(parseTargetGroups('- targets: ["a:1"]\n  labels: {x: "y"}\n', '/sd/t.yml'), [
      { targets: ['a:1'], labels: { x: 'y', __meta_filepath: '/sd/t.yml' }, source: '/sd/t.yml:0' },
    ]);
    assert.deepEqual(parseTargetGroups('[{"targets":[]}]', '/sd/t.json')[0].targets, []);
    assert.throws(() => parseTargetGroups('{}', 'a.json'), /expected a list of target groups/);
    assert.throws(
      () => parseTargetGroups('[{"targets":[1]}]', 'a.json'),
      /group 0: "targets" must be a list of strings/,
    );
    assert.throws(
      () => parseTargetGroups('[{"targets":[],"labels":{"a-b":"x"}}]', 'a.json'),
      /not a valid label name/,
    );
    assert.throws(() => parseTargetGroups('[]', 'a.txt'), /unsupported file extension/);
  });
});
