import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deCumulate } from './heat';
import { parseMatchers } from './matchers';

describe('silence matchers', () => {
  it('reads equality, regex and negated matchers, with escaped quotes', () => {
    assert.deepEqual(parseMatchers('alertname="DiskFull", instance=~"web-.*", env!="dev", x!~"a\\"b"'), [
      { name: 'alertname', value: 'DiskFull', isRegex: false, isEqual: true },
      { name: 'instance', value: 'web-.*', isRegex: true, isEqual: true },
      { name: 'env', value: 'dev', isRegex: false, isEqual: false },
      { name: 'x', value: 'a"b', isRegex: true, isEqual: false },
    ]);
    assert.deepEqual(parseMatchers('{job="api"}'), [
      { name: 'job', value: 'api', isRegex: false, isEqual: true },
    ]);
  });

  it('names the part it cannot read', () => {
    assert.match(
      parseMatchers('alertname=DiskFull') as string,
      /cannot read a matcher at “alertname=DiskFull/,
    );
    assert.match(parseMatchers('  ') as string, /at least one matcher/);
  });
});

describe('heatmap cells', () => {
  it('turns cumulative buckets into per-bucket counts, dropping +Inf and clamping resets', () => {
    const cells = deCumulate([
      { le: Number.POSITIVE_INFINITY, values: [[1, '10']] },
      {
        le: 0.5,
        values: [
          [1, '9'],
          [2, '4'],
        ],
      },
      {
        le: 0.1,
        values: [
          [1, '5'],
          [2, '6'],
        ],
      },
    ]);
    assert.deepEqual(cells.times, [1, 2]);
    assert.deepEqual(cells.les, [0.1, 0.5]);
    assert.deepEqual(cells.counts, [
      [5, 4],
      [6, 0],
    ]);
  });
});
