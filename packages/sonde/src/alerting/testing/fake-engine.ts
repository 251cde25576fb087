// A QueryEngine for tests and benchmarks: each expression answers with the
// vector a script function gives for the evaluation time.
import type { InstantSample, QueryEngine, QueryValue } from '../../query/types.js';
import type { Labels } from '../../storage/types.js';

export type Script = (tMs: number) => readonly { labels: Labels; v: number }[];

export class FakeEngine implements QueryEngine {
  readonly calls: { expr: string; t: number }[] = [];
  private readonly scripts = new Map<string, Script>();
  /** Record calls (off for benchmarks). */
  record = true;

  /** `expr` answers with `script(t)`; an unknown expression answers with an empty vector. */
  set(expr: string, script: Script | readonly { labels: Labels; v: number }[]): this {
    this.scripts.set(expr, typeof script === 'function' ? script : () => script);
    return this;
  }

  async instant(expr: string, timeMs: number): Promise<QueryValue> {
    if (this.record) this.calls.push({ expr, t: timeMs });
    const script = this.scripts.get(expr);
    const samples: InstantSample[] = (script ? script(timeMs) : []).map((s) => ({
      labels: s.labels,
      t: timeMs,
      v: s.v,
    }));
    return { type: 'vector', samples };
  }

  async range(): Promise<QueryValue> {
    return { type: 'matrix', series: [] };
  }
}
