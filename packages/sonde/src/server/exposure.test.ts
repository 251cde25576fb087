import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authRequired, exposureProblem, isLoopbackHost } from './exposure.js';

describe('exposure', () => {
  it('knows loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) assert.ok(isLoopbackHost(h), h);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.com', '128.0.0.1'])
      assert.ok(!isLoopbackHost(h), h);
  });
  it('refuses wider addresses without --insecure and says how to proceed', () => {
    const problem = exposureProblem('0.0.0.0', false, 0);
    assert.match(problem ?? '', /refusing to listen on 0\.0\.0\.0/);
    assert.match(problem ?? '', /sonde token create/);
    assert.match(problem ?? '', /--insecure/);
    assert.equal(exposureProblem('0.0.0.0', true, 0), null);
    assert.equal(exposureProblem('0.0.0.0', false, 1), null);
    assert.equal(exposureProblem('127.0.0.1', false, 0), null);
  });
  it('checks tokens beyond loopback, and on loopback only when asked', () => {
    assert.equal(authRequired('0.0.0.0', 1, false), true);
    assert.equal(authRequired('127.0.0.1', 1, false), false);
    assert.equal(authRequired('127.0.0.1', 1, true), true);
    assert.equal(authRequired('0.0.0.0', 0, false), false);
  });
});
