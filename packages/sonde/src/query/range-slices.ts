// Range queries evaluated a slice of steps at a time, yielding the event loop
// between slices, so one heavy query does not stall ingest and every other
// request for its whole run. PromQL evaluates each step on its own (a range
// query is a series of instant queries; subquery steps are aligned to
// absolute time, `@ start()`/`end()` use the whole query's range), so the
// slices' results, merged by series, are the whole range's result.
//
// Small queries stay one synchronous evaluation: the first slice is timed,
// and when the rest looks cheap it is evaluated in one go without yielding.
import { labelsKey } from '../storage/labels.js';
import type { EvalValue, StepSeries } from './eval/values.js';
import { QueryError } from './types.js';

export interface SlicePlan {
  /** Steps of the first slice, evaluated to learn the cost per step. */
  readonly firstSteps: number;
  /** Evaluation time a slice aims at before yielding (ms); up to twice that to keep the fixed cost ≤ 10%. */
  readonly sliceMs: number;
  /**
   * When the rest is predicted to take less than this (ms), it runs at once,
   * unyielded: slicing costs a fixed amount per slice (per-series work), which
   * a light query should not pay.
   */
  readonly finishWithinMs: number;
  /**
   * The same, for the prediction from the first slice alone, which counts the
   * fixed cost as if it were per step and so overestimates (ms).
   */
  readonly finishFirstWithinMs: number;
  /**
   * Below this estimated work (windows × samples, see preread), the query is
   * evaluated as one slice: cutting costs per-series work again in every
   * slice, which typical dashboard queries (many series, light windows) feel.
   */
  readonly lightWork: number;
}

export const DEFAULT_SLICES: SlicePlan = {
  // Big enough that the fixed cost of a slice is small against it (a typical
  // dashboard query then runs as two slices), small enough to bound the stall
  // of a heavy query (64 steps of quantile_over_time over 1,000 series: ~0.2 s).
  firstSteps: 64,
  sliceMs: 50,
  finishWithinMs: 150,
  finishFirstWithinMs: 400,
  // ~0.2-0.5 s of evaluation on this box: 1,000 series × 1,441 steps of rate(x[5m]) is ~9M.
  lightWork: 20_000_000,
};

/**
 * Sizes slices from their measured cost, modelled as a fixed cost per slice
 * (per-series work: trimming, allocation, grouping) plus a cost per step,
 * fitted from the last two slices.
 */
export class SliceSizer {
  private prev: { ms: number; steps: number } | null = null;

  constructor(private readonly plan: SlicePlan) {}

  /** Records a slice's cost and returns the next slice's steps (`remaining` when it should run at once). */
  next(ms: number, steps: number, remaining: number): number {
    const { prev, plan } = this;
    let fixedMs = 0;
    let perStepMs = Math.max(ms, 0.01) / steps;
    if (prev && steps !== prev.steps) {
      // Timings are noisy on a busy machine: the fitted cost per step is kept
      // to at least half the last slice's average, so one lucky slice cannot
      // make the next one huge.
      const p = Math.max((ms - prev.ms) / (steps - prev.steps), perStepMs / 2);
      perStepMs = p;
      fixedMs = Math.max(0, ms - p * steps);
    }
    this.prev = { ms, steps };
    const within = prev ? plan.finishWithinMs : plan.finishFirstWithinMs;
    if (fixedMs + perStepMs * remaining <= within) return remaining;
    if (!prev) {
      // From the first slice alone (fixed cost counted per step): a slice of about
      // sliceMs, and not the first's size, so the next one gives a two-point fit.
      const fit = Math.max(1, Math.floor(plan.sliceMs / perStepMs));
      return Math.min(remaining, fit === steps ? fit + 1 : Math.min(fit, steps * 8));
    }
    // Slices long enough that the fixed cost stays small, within twice sliceMs (fits are noisy).
    const target = Math.min(2 * plan.sliceMs, Math.max(plan.sliceMs, 10 * fixedMs));
    const fit = Math.floor((target - fixedMs) / Math.max(perStepMs, 1e-6));
    return Math.min(remaining, 4 * steps, Math.max(1, fit));
  }
}

export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Joins the slices' step series by label set into series over the whole
 * range's steps, as one evaluation of the range would have given them.
 */
export class SliceMerger {
  private readonly byKey = new Map<string, StepSeries>();
  private scalar: Float64Array | null = null;

  constructor(private readonly steps: number) {}

  /** A slice's value, whose first step is step `offset` of the range. */
  add(val: EvalValue, offset: number): void {
    if (val.type === 'scalar') {
      this.scalar ??= new Float64Array(this.steps);
      this.scalar.set(val.v, offset);
      return;
    }
    if (val.type !== 'vector')
      throw new QueryError(`unexpected ${val.type} result for a range query`, 'execution');
    for (const s of val.series) {
      const key = s.key ?? labelsKey(s.labels);
      let out = this.byKey.get(key);
      if (!out) {
        out = { labels: s.labels, v: new Float64Array(this.steps), has: new Uint8Array(this.steps), key };
        this.byKey.set(key, out);
      }
      out.v.set(s.v, offset);
      out.has.set(s.has, offset);
      if (s.h) {
        out.h ??= new Array(this.steps);
        for (let i = 0; i < s.h.length; i++) if (s.h[i]) out.h[offset + i] = s.h[i];
      }
    }
  }

  result(): EvalValue {
    if (this.scalar) return { type: 'scalar', v: this.scalar };
    return { type: 'vector', series: [...this.byKey.values()] };
  }
}
