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
      assert.equal(atRotation.length, 1);
      const { closed, applied: seen } = atRotation[0];
      assert.ok(closed !== null);
      assert.ok(seen.length > 0, 'the rotation waited for the group in flight');
      await wal.close();
      // the segments hold every acknowledged entry, in the order applied
      const read = listSegments(dir).flatMap((n) =>
        readSegment(join(dir, segmentName(n))).records.map((r) =>
          Number(new TextDecoder().decode(r).slice(6)),
        ),
      );
      assert.deepEqual(read, applied);
      const upToClosed = listSegments(dir)
        .filter((n) => n <= closed)
        .flatMap((n) =>
          readSegment(join(dir, segmentName(n))).records.map((r) =>
            Number(new TextDecoder().decode(r).slice(6)),
          ),
        );
      assert.deepEqual(seen, upToClosed, 'applied at the rotation = what the closed segments hold');
      assert.ok(listSegments(dir).length >= 2, 'the rotation started a new segment');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
