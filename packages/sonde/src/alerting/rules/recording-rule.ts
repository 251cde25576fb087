// A recording rule: the expression's result stored under a new metric name
// with the rule's labels, as Prometheus's rules/recording.go does.
import { labelsKey } from '../../storage/labels.js';
import { type OutputSample, type RuleContext, RuleEvalError, queryVector } from './alerting-rule.js';
import type { RuleSpec } from './file.js';

export class RecordingRule {
  readonly kind = 'record' as const;
  health: 'unknown' | 'ok' | 'err' = 'unknown';
  lastError = '';
  lastEvaluation = 0;
  evaluationMs = 0;

  constructor(readonly spec: RuleSpec) {}

  get name(): string {
    return this.spec.name;
  }

  async eval(ts: number, ctx: RuleContext): Promise<OutputSample[]> {
    const t = ts - ctx.queryOffsetMs;
    const samples = await queryVector(ctx.engine, this.spec.expr, t);
    const out: OutputSample[] = [];
    const seen = new Set<string>();
    for (const s of samples) {
      const labels: Record<string, string> = { ...s.labels };
      for (const k in ctx.groupLabels) labels[k] = ctx.groupLabels[k];
      for (const k in this.spec.labels) {
        if (this.spec.labels[k] === '') delete labels[k];
        else labels[k] = this.spec.labels[k];
      }
      labels.__name__ = this.spec.name;
      const key = labelsKey(labels);
      if (seen.has(key))
        throw new RuleEvalError('vector contains metrics with the same labelset after applying rule labels');
      seen.add(key);
      out.push({ labels, t, v: s.v });
    }
    if (ctx.limit > 0 && out.length > ctx.limit) {
      throw new RuleEvalError(`exceeded limit of ${ctx.limit} with ${out.length} series`);
    }
    return out;
  }
}
