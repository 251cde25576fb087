import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelsOf, listOf, num, severityOf, str, timeOf } from './shape';

describe('shape readers', () => {
  it('finds the list in an answer whatever it is called', () => {
    assert.deepEqual(listOf([{ a: 1 }, 2, null], []), [{ a: 1 }]);
    assert.deepEqual(listOf({ anomalies: [{ a: 1 }] }, ['anomalies']), [{ a: 1 }]);
    assert.deepEqual(listOf({ meta: 1, items: [{ b: 2 }] }, ['anomalies']), [{ b: 2 }]);
    assert.deepEqual(listOf('nope', ['x']), []);
  });

  it('reads fields by the first name present, numbers from strings, times from s, ms or ISO', () => {
    const item = { title: '', message: 'disk full', score: '0.5', at: 1_700_000_000, labels: { job: 'x' } };
    assert.equal(str(item, ['title', 'message']), 'disk full');
    assert.equal(num(item, ['score']), 0.5);
    assert.equal(num(item, ['missing']), undefined);
    assert.equal(timeOf(item, ['at']), 1_700_000_000_000);
    assert.equal(timeOf({ at: '2026-01-01T00:00:00Z' }, ['at']), Date.UTC(2026, 0, 1));
    assert.deepEqual(labelsOf(item), { job: 'x' });
  });

  it('maps severity words to badges', () => {
    assert.equal(severityOf('critical'), 'bad');
    assert.equal(severityOf('warning'), 'warn');
    assert.equal(severityOf('inactive'), 'ok');
    assert.equal(severityOf(undefined), 'muted');
  });
});
