// Rule templates: the Go text/template subset Prometheus rule files use in
// labels and annotations, with Prometheus's variables ($labels, $value,
// $externalLabels, $externalURL) and functions (humanize, printf, query, ...).
import type { Labels } from '../../storage/types.js';
import { type ExecContext, execute } from './exec.js';
import { TEMPLATE_FUNCS, type TemplateSample } from './funcs.js';
import { type Node, TemplateError, parseTemplate } from './parse.js';

export { TemplateError } from './parse.js';
export { formatFloat, formatG, sprintf } from './gofmt.js';
export { humanize, humanize1024, humanizeDuration, humanizePercentage } from './funcs.js';
export type { TemplateSample } from './funcs.js';

export interface AlertTemplateData {
  readonly labels: Labels;
  readonly value: number;
  readonly externalLabels?: Labels;
  readonly externalURL?: string;
}

export interface ExpandOptions {
  /** Runs a PromQL instant query for the template's `query` function. */
  readonly query?: (expr: string) => Promise<TemplateSample[]>;
  readonly nowMs?: number;
}

function labelMap(labels: Labels | undefined): Map<string, string> {
  return new Map(Object.entries(labels ?? {}));
}

/** A compiled rule template. */
export class RuleTemplate {
  private constructor(
    readonly text: string,
    private readonly nodes: readonly Node[] | null,
    /** The template calls `query`, so expanding it is asynchronous. */
    readonly usesQuery: boolean,
  ) {}

  /** Throws TemplateError (with the offset in `text`) when the template does not parse. */
  static compile(text: string): RuleTemplate {
    if (!text.includes('{{')) return new RuleTemplate(text, null, false);
    const nodes = parseTemplate(text);
    return new RuleTemplate(text, nodes, /\bquery\b/.test(text));
  }

  private run(data: AlertTemplateData, env: Record<string, unknown>): string {
    const labels = labelMap(data.labels);
    const externalLabels = labelMap(data.externalLabels);
    const root = {
      Labels: labels,
      ExternalLabels: externalLabels,
      ExternalURL: data.externalURL ?? '',
      Value: data.value,
    };
    const ctx: ExecContext = { funcs: TEMPLATE_FUNCS, env };
    return execute(this.nodes!, root, ctx, {
      $labels: labels,
      $externalLabels: externalLabels,
      $externalURL: root.ExternalURL,
      $value: data.value,
    });
  }

  /**
   * Expands the template. A failure becomes the text Prometheus puts in its place,
   * `<error expanding template: ...>`, so one bad annotation never stops an alert.
   */
  async expand(data: AlertTemplateData, opts: ExpandOptions = {}): Promise<string> {
    if (!this.nodes) return this.text;
    if (!this.usesQuery || !opts.query) return this.expandSync(data, opts.nowMs);
    // `query` is synchronous inside the template: run it, collect the queries it
    // asked for, answer them, and run again (a few rounds for queries built from
    // other queries' results).
    const answers = new Map<string, TemplateSample[] | Error>();
    for (let round = 0; round < 4; round++) {
      const missing = new Set<string>();
      const env = {
        externalURL: data.externalURL,
        nowMs: opts.nowMs ?? Date.now(),
        query: (expr: string) => {
          const a = answers.get(expr);
          if (a instanceof Error) throw a;
          if (a) return a;
          missing.add(expr);
          return [];
        },
      };
      let result: string;
      try {
        result = this.run(data, env);
      } catch (e) {
        if (missing.size === 0) return `<error expanding template: ${(e as Error).message}>`;
        result = '';
      }
      if (missing.size === 0) return result;
      for (const expr of missing) {
        try {
          answers.set(expr, await opts.query(expr));
        } catch (e) {
          answers.set(expr, new Error(`error executing query: ${(e as Error).message}`));
        }
      }
    }
    return '<error expanding template: too many dependent queries>';
  }

  /** Runs the template with `dot` as its data (notification templates); errors show inline. */
  render(dot: unknown): string {
    if (!this.nodes) return this.text;
    try {
      return execute(this.nodes, dot, { funcs: TEMPLATE_FUNCS, env: {} });
    } catch (e) {
      return `<error expanding template: ${(e as Error).message}>`;
    }
  }

  /** Expands a template that makes no queries. */
  expandSync(data: AlertTemplateData, nowMs = Date.now()): string {
    if (!this.nodes) return this.text;
    try {
      return this.run(data, { externalURL: data.externalURL, nowMs });
    } catch (e) {
      return `<error expanding template: ${(e as Error).message}>`;
    }
  }
}

/** Checks a template parses; returns the problem and its offset, or null. */
export function checkTemplate(text: string): TemplateError | null {
  try {
    RuleTemplate.compile(text);
    return null;
  } catch (e) {
    if (e instanceof TemplateError) return e;
    return new TemplateError((e as Error).message, 0);
  }
}
