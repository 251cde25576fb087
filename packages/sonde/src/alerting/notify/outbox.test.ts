import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { FakeClock } from '../clock.js';
import { type DeliveryResult, Outbox, type OutboxEntry } from './outbox.js';

const dir = mkdtempSync(join(tmpdir(), 'sonde-outbox-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const logger = pino({ level: 'silent' });

function make(sub: string, deliver: (e: OutboxEntry) => Promise<DeliveryResult>, clock = new FakeClock()) {
  const outbox = new Outbox({
    dir: join(dir, sub),
    clock,
    logger,
    deliver,
    baseBackoffMs: 1000,
    maxBackoffMs: 8000,
  });
  clock.settle = () => outbox.idle();
  return { outbox, clock };
}

const entry = (n: number) => ({
  dest: 'r/webhook/0',
  receiver: 'r',
  groupKey: 'g',
  status: 'firing' as const,
  alerts: 1,
  body: { n },
});

describe('outbox', () => {
  it('delivers in order per destination, backing off exponentially while the destination fails', async () => {
    const tries: number[] = [];
    let up = false;
    const { outbox, clock } = make('order', async () => {
      tries.push(clock.now());
      return up ? { ok: true } : { ok: false, retry: true, error: 'connection refused' };
    });
    await outbox.open();
    const t0 = clock.now();
    for (let n = 0; n < 3; n++) await outbox.enqueue(entry(n));
    await clock.advance(20_000);
    // 1 s, 2 s, 4 s, 8 s, 8 s (capped) between attempts of the oldest entry.
    assert.deepEqual(
      tries.map((t) => t - t0),
      [0, 1000, 3000, 7000, 15_000],
    );
    up = true;
    await clock.advance(8000);
    const done = outbox.history().filter((r) => r.state === 'delivered');
    assert.equal(done.length, 3);
    assert.deepEqual(
      [...done]
        .sort((a, b) => a.doneAt - b.doneAt || a.createdAt - b.createdAt)
        .map((r) => (r.body as { n: number }).n),
      [0, 1, 2],
    );
    await outbox.close();
  });

  it('gives up on a rejected request (4xx) and keeps its reason', async () => {
    const { outbox } = make('reject', async () => ({
      ok: false,
      retry: false,
      error: 'HTTP 400: bad payload',
    }));
    await outbox.open();
    await outbox.enqueue(entry(1));
    await outbox.idle();
    const [r] = outbox.history();
    assert.equal(r.state, 'failed');
    assert.equal(r.lastError, 'HTTP 400: bad payload');
    await outbox.close();
  });

  it('after a crash, re-sends what was not acknowledged with the same key, ignoring a torn last line', async () => {
    const clock = new FakeClock();
    const first = make('crash', async () => ({ ok: false, retry: true, error: 'down' }), clock);
    await first.outbox.open();
    const id = await first.outbox.enqueue(entry(7));
    await first.outbox.close();
    appendFileSync(join(dir, 'crash', 'outbox.jsonl'), '{"op":"add","id":"torn');
    const seen: string[] = [];
    const second = make(
      'crash',
      async (e) => {
        seen.push(e.id);
        return { ok: true };
      },
      clock,
    );
    await second.outbox.open();
    await second.outbox.idle();
    assert.deepEqual(seen, [id]);
    await second.outbox.close();
    // Nothing is owed any more: a third start sends nothing.
    const third = make('crash', async () => assert.fail('delivered twice'), clock);
    await third.outbox.open();
    await third.outbox.idle();
    assert.equal(third.outbox.pendingCount(), 0);
    await third.outbox.close();
    assert.ok(readFileSync(join(dir, 'crash', 'outbox.jsonl'), 'utf8').includes(id));
  });
});
