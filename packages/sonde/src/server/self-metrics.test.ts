import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStorage } from '../storage/index.js';
import { createSelfMetrics } from './self-metrics.js';

describe("sonde's own metrics", () => {
  it('count refusals per limit and show the query slots and the head', async () => {
    const self = createSelfMetrics({
      storage: new MemoryStorage(),
      writers: [],
      queries: () => ({ running: 3, waiting: 1, max: 20 }),
      head: () => ({ series: 7, sampleBytes: 4096 }),
      live: () => ({ streams: 2, queries: 1 }),
    });
    self.limited('decompressed_body');
    self.limited('query_concurrency');
    self.limited('query_concurrency');
    const { body } = await self.render();
    assert.match(body, /^sonde_http_limited_requests_total\{limit="decompressed_body"\} 1$/m);
    assert.match(body, /^sonde_http_limited_requests_total\{limit="query_concurrency"\} 2$/m);
    assert.match(body, /^sonde_queries_running 3$/m);
    assert.match(body, /^sonde_queries_waiting 1$/m);
    assert.match(body, /^sonde_queries_concurrent_max 20$/m);
    assert.match(body, /^sonde_storage_head_series 7$/m);
    assert.match(body, /^sonde_storage_head_sample_bytes 4096$/m);
    assert.match(body, /^sonde_live_streams 2$/m);
    assert.match(body, /^sonde_storage_series 0$/m);
  });
});
