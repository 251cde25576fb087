import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DiskQueue } from './disk-queue.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sonde-queue-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const rec = (s: string, weight = 1) => ({ payload: Buffer.from(s), weight });

function drain(q: DiskQueue): string[] {
  const out: string[] = [];
  for (let r = q.peek(); r; r = q.peek()) {
    out.push(r.payload.toString());
    q.ack();
  }
  return out;
}

describe('DiskQueue', () => {
  it('hands records back in order and is empty once all are acknowledged', () => {
    const q = new DiskQueue({ dir, maxBytes: 1 << 20 });
    assert.ok(q.empty);
    q.push([rec('a'), rec('b')]);
    q.push([rec('c')]);
    assert.ok(!q.empty);
    assert.equal(q.peek()?.payload.toString(), 'a');
    assert.equal(q.peek()?.payload.toString(), 'a', 'peek does not consume');
    assert.deepEqual(drain(q), ['a', 'b', 'c']);
    assert.ok(q.empty);
    q.close();
  });

  it('keeps unacknowledged records across a reopen, and not acknowledged ones twice', () => {
    const q = new DiskQueue({ dir, maxBytes: 1 << 20 });
    q.push([rec('one'), rec('two'), rec('three')]);
    q.peek();
    q.ack();
    q.close();
    const again = new DiskQueue({ dir, maxBytes: 1 << 20 });
    assert.deepEqual(drain(again), ['two', 'three']);
    again.close();
  });

  it('after a crash sends again at most what was acknowledged in the last moment, never loses any', async () => {
    const q = new DiskQueue({ dir, maxBytes: 1 << 20 });
    q.push([rec('one'), rec('two'), rec('three')]);
    q.peek();
    q.ack(); // the first acknowledgement is written at once
    q.peek();
    q.ack(); // the next within the interval is written a little later
    const crashedNow = new DiskQueue({ dir, maxBytes: 1 << 20 });
    assert.deepEqual(drain(crashedNow), ['two', 'three'], 'two may go again; nothing is lost');
    crashedNow.close();
    q.close();
  });

  it('writes the read position within half a second of an acknowledgement', async () => {
    const q = new DiskQueue({ dir, maxBytes: 1 << 20 });
    q.push([rec('one'), rec('two'), rec('three'), rec('four')]);
    for (let i = 0; i < 3; i++) {
      q.peek();
      q.ack();
    }
    await new Promise((r) => setTimeout(r, 700));
    const crashedLater = new DiskQueue({ dir, maxBytes: 1 << 20 });
    assert.deepEqual(drain(crashedLater), ['four'], 'the position was on disk');
    crashedLater.close();
    q.close();
  });

  it('cuts a torn record at the tail after a crash and keeps the whole ones', () => {
    const q = new DiskQueue({ dir, maxBytes: 1 << 20 });
    q.push([rec('whole')]);
    q.close();
    const seg = readdirSync(dir).find((f) => f.endsWith('.seg'))!;
    appendFileSync(join(dir, seg), Buffer.from([50, 0, 0, 0, 1, 2, 3])); // a header promising 50 bytes, then nothing
    const again = new DiskQueue({ dir, maxBytes: 1 << 20 });
    again.push([rec('after')]);
    assert.deepEqual(drain(again), ['whole', 'after']);
    again.close();
  });

  it('spans segments, deletes delivered ones, and drops the oldest past the cap, counting their weight', () => {
    const q = new DiskQueue({ dir, maxBytes: 400, segmentBytes: 100 });
    for (let i = 0; i < 30; i++) q.push([rec(`record-${String(i).padStart(2, '0')}-${'x'.repeat(20)}`, 10)]);
    assert.ok(q.bytes <= 400 + 100, `kept ${q.bytes} bytes`);
    assert.ok(q.droppedWeight > 0 && q.droppedWeight % 10 === 0);
    const left = drain(q);
    assert.equal(
      left.length * 10 + q.droppedWeight,
      300,
      'every record is either delivered or counted as dropped',
    );
    assert.equal(left[left.length - 1].slice(0, 9), 'record-29', 'the newest survive');
    assert.ok(
      readdirSync(dir).filter((f) => f.endsWith('.seg')).length <= 2,
      'delivered segments are deleted',
    );
    q.close();
  });
});
