import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { REDACTED, redactValue } from './redact.js';

describe('redactValue', () => {
  it('hides the password of URL credentials and keeps the rest', () => {
    assert.equal(
      redactValue('https://admin:hunter2@db.example:5432/x'),
      `https://admin:${REDACTED}@db.example:5432/x`,
    );
    assert.equal(redactValue('postgres://u:p%40ss@h/db'), `postgres://u:${REDACTED}@h/db`);
  });

  it('hides bearer and basic tokens', () => {
    assert.equal(redactValue('Bearer abcdef0123456789'), `Bearer ${REDACTED}`);
    assert.equal(
      redactValue('Authorization: Basic dXNlcjpwYXNzd29yZA=='),
      `Authorization: Basic ${REDACTED}`,
    );
  });

  it('hides secret query parameters', () => {
    assert.equal(
      redactValue('/v1/items?api_key=s3cr3t&limit=5&token=zzz'),
      `/v1/items?api_key=${REDACTED}&limit=5&token=${REDACTED}`,
    );
    assert.equal(redactValue('host=db password=pw1 user=x'), `host=db password=${REDACTED} user=x`);
  });

  it('hides API-key-shaped strings and JWTs', () => {
    for (const key of [
      'ghp_0123456789abcdefghijABCDEFGHIJ012345',
      'glpat-abcdefghij0123456789',
      'xoxb-1234567890-abcdef',
      'sk_live_0123456789abcdefXYZ',
      'sk-proj-0123456789abcdefghijkl',
      'AKIAIOSFODNN7EXAMPLE',
      'AIzaSyA1234567890abcdefghijklmnopqrstuv',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dGhpcyBpcyBhIHNpZw',
    ]) {
      assert.equal(redactValue(`key ${key} end`), `key ${REDACTED} end`, key);
    }
  });

  it('leaves ordinary label values alone', () => {
    for (const v of [
      'GET',
      '/api/v1/query_range',
      'http://localhost:9090/metrics',
      'node-exporter-7f9c8d6b5-abcde',
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      '2026-11-22T21:00:00.000Z',
      'user@example.com',
      'de-DE',
      '10.0.0.1:9100',
    ]) {
      assert.equal(redactValue(v), v, v);
    }
  });

  it('returns the same string object when nothing is secret, and never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (v) => {
        const r = redactValue(v);
        if (!r.includes(REDACTED)) assert.equal(r, v);
      }),
    );
  });
});
