// The log's group commit: entries become durable and are applied in the order
// they were appended, however the groups fall; a rotation sees exactly the
// entries in the segments it closes, applied; and what was
// acknowledged is in the segments, in order, when read back.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Wal, frame, listSegments, readSegment, segmentName } from './wal.js';

function record(i: number): Uint8Array {
  return frame(new TextEncoder().encode(`entry ${i}`));
}

describe('write-ahead log', () => {
  it('applies entries in append order across groups, and a rotation sees exactly the closed segments applied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sonde-wal-'));
    try {
      const wal = new Wal(dir, 1);
      const applied: number[] = [];
      const atRotation: { closed: number | null; applied: number[] }[] = [];
      let pending = 0;
      const done = new Promise<void>((resolve, reject) => {
        const append = (i: number) => {
          pending++;
          wal.append(
            record(i),
            () => {
              applied.push(i);
              // appends made while applying go into a later group
              if (i % 7 === 0 && i < 300) append(1000 + i);
              // a rotation asked for while applying
              if (i === 200) wal.rotate((closed) => atRotation.push({ closed, applied: applied.slice() }));
              if (--pending === 0) resolve();
            },
            reject,
          );
        };
        for (let i = 0; i < 300; i++) {
          append(i);
          if (i === 150) wal.rotate((closed) => atRotation.push({ closed, applied: applied.slice() }));
        }
      });
      await done;
      await wal.idle();
      const direct = applied.filter((i) => i < 1000);
      assert.deepEqual(
        direct,
        Array.from({ length: 300 }, (_, i) => i),
        'appended order',
      );
      assert.equal(atRotation.length, 2);
      for (const r of atRotation) assert.ok(r.closed !== null);
      assert.ok(atRotation[0].applied.length > 0, 'the rotation waited for the group in flight');
      assert.ok(atRotation[1].applied.includes(200), 'the rotation asked for while applying came after it');
      await wal.close();
      // the segments hold every acknowledged entry, in the order applied
      const read = listSegments(dir).flatMap((n) =>
        readSegment(join(dir, segmentName(n))).records.map((r) =>
          Number(new TextDecoder().decode(r).slice(6)),
        ),
      );
      assert.deepEqual(read, applied);
      for (const { closed, applied: seen } of atRotation) {
        const upToClosed = listSegments(dir)
          .filter((n) => n <= (closed ?? 0))
          .flatMap((n) =>
            readSegment(join(dir, segmentName(n))).records.map((r) =>
              Number(new TextDecoder().decode(r).slice(6)),
            ),
          );
        assert.deepEqual(seen, upToClosed, 'applied at the rotation = what the closed segments hold');
      }
      assert.ok(listSegments(dir).length >= 3, 'each rotation started a new segment');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs a rotation asked for in the middle of applying a group only once the group is applied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sonde-wal-'));
    try {
      const wal = new Wal(dir, 1);
      const applied: number[] = [];
      let seen: { closed: number | null; applied: number[] } | null = null;
      const done: Promise<void>[] = [];
      const append = (i: number, then?: () => void) =>
        done.push(
          new Promise<void>((resolve, reject) =>
            wal.append(
              record(i),
              () => {
                applied.push(i);
                then?.();
                resolve();
              },
              reject,
            ),
          ),
        );
      append(0); // in flight: the next two wait and go out as one group
      append(1, () => wal.rotate((closed) => (seen = { closed, applied: applied.slice() })));
      append(2);
      await Promise.all(done);
      await wal.idle();
      await wal.close();
      assert.ok(seen !== null);
      const { closed, applied: atRotation } = seen as { closed: number | null; applied: number[] };
      assert.deepEqual(atRotation, [0, 1, 2], 'the whole group was applied before the rotation');
      const inClosed = listSegments(dir)
        .filter((n) => n <= (closed ?? 0))
        .flatMap((n) => readSegment(join(dir, segmentName(n))).records.length);
      assert.equal(
        inClosed.reduce((a, b) => a + b, 0),
        3,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
