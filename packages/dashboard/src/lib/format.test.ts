import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, formatValue, guessUnit, parseDuration, seriesName } from './format';

describe('formatValue', () => {
  it('formats each unit as people read it', () => {
    assert.equal(formatValue(0, 'bytes'), '0 B');
    assert.equal(formatValue(1536, 'bytes'), '1.5 KiB');
    assert.equal(formatValue(8 * 1024 ** 3, 'bytes'), '8 GiB');
    assert.equal(formatValue(2.5e6, 'bytes/s'), '2.38 MiB/s');
    assert.equal(formatValue(0.0123, 'seconds'), '12.3 ms');
    assert.equal(formatValue(0.00042, 'seconds'), '420 µs');
    assert.equal(formatValue(90, 'seconds'), '1.5 min');
    assert.equal(formatValue(42.123, 'percent'), '42.1%');
    assert.equal(formatValue(0.985, 'ratio'), '98.5%');
    assert.equal(formatValue(1234, '/s'), '1.23k/s');
    assert.equal(formatValue(NaN, 'bytes'), '–');
    assert.equal(formatValue(Infinity, 'seconds'), '+Inf');
  });

  it('guesses units from metric names in expressions', () => {
    assert.equal(guessUnit('node_memory_MemAvailable_bytes'), 'bytes');
    assert.equal(guessUnit('rate(node_network_receive_bytes_total[1m])'), 'bytes/s');
    assert.equal(
      guessUnit('histogram_quantile(0.99, rate(http_server_request_duration_seconds_bucket[5m]))'),
      'seconds',
    );
    assert.equal(guessUnit('sum(rate(http_server_requests_total[1m]))'), '/s');
    assert.equal(guessUnit('node_load1'), 'none');
  });
});

describe('durations and names', () => {
  it('parses Prometheus durations and rejects junk', () => {
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('7d'), 604_800_000);
    assert.equal(parseDuration('5 minutes'), null);
    assert.equal(parseDuration(''), null);
  });

  it('formats durations and series names', () => {
    assert.equal(formatDuration(45_000), '45 s');
    assert.equal(formatDuration(3 * 86_400_000 + 4 * 3_600_000), '3 d 4 h');
    assert.equal(seriesName({ __name__: 'up', job: 'x', a: '1' }), 'up{a="1", job="x"}');
  });
});
