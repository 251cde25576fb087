import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SLICES, SliceSizer } from './range-slices.js';

describe('slice sizing', () => {
  it('runs a cheap query on at once after its first slice', () => {
    const s = new SliceSizer(DEFAULT_SLICES);
    // 8 steps in 1 ms: the other 1,000 would take ~125 ms by the pessimistic first estimate.
    assert.equal(s.next(1, 8, 1000), 1000);
  });

  it('cuts a heavy query into slices of about sliceMs, never past the range', () => {
    const plan = { ...DEFAULT_SLICES, sliceMs: 50 };
    const s = new SliceSizer(plan);
    // 3 ms per step, 2 ms fixed per slice.
    const cost = (n: number) => 2 + 3 * n;
    let size = 8;
    let remaining = 2000 - size;
    const sizes: number[] = [size];
    while (remaining > 0) {
      size = s.next(cost(size), size, remaining);
      assert.ok(size >= 1 && size <= remaining, `size ${size} of ${remaining}`);
      sizes.push(size);
      remaining -= size;
    }
    // After the probe slices, each is within twice sliceMs.
    for (const n of sizes.slice(2, -1)) assert.ok(cost(n) <= 2 * plan.sliceMs, `${n} steps`);
    assert.equal(
      sizes.reduce((a, b) => a + b, 0),
      2000,
    );
  });

  it('keeps slices long enough that a large fixed cost stays small, within twice sliceMs', () => {
    const s = new SliceSizer(DEFAULT_SLICES);
    const cost = (n: number) => 20 + 1 * n; // 20 ms fixed
    let size = 8;
    let remaining = 5000 - size;
    for (let i = 0; i < 4; i++) {
      size = s.next(cost(size), size, remaining);
      remaining -= size;
    }
    // Grown (at most 4× a slice) to about 10× the fixed cost, capped at twice sliceMs.
    assert.ok(cost(size) > 90 && cost(size) <= 2 * DEFAULT_SLICES.sliceMs, `${size} steps`);
  });
});
