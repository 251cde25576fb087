// What every metric type shares: configuration checks, registration, the
// label-set → series lookup (nested Maps keyed by label value, so a lookup
// hashes no concatenated string), the cardinality guard, remove/reset, and the
// cached text pieces of each series.
import {
  braces,
  escapeHelp,
  escapeHelpOpenMetrics,
  escapeLabelValue,
  joinPairs,
} from './exposition/format.js';
import type { Registry } from './registry.js';
import { assertLabelNames, assertMetricName, describe, normalizeLabelValue, sdkStats } from './validation.js';

export type LabelValue = string | number;
/** Label values by name; names not given are absent from the series (as in prom-client). */
export type LabelValues<T extends string> = Partial<Record<T, LabelValue>>;
export type Aggregator = 'omit' | 'sum' | 'first' | 'min' | 'max' | 'average';
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';
export type CollectFunction<M> = (this: M) => void | Promise<void>;

/** Default series limit per metric (the cardinality guard). */
export const DEFAULT_MAX_SERIES = 10_000;

export interface MetricConfiguration<T extends string> {
  name: string;
  help: string;
  labelNames?: readonly T[];
  /** Registries to register in; default `[register]`; `[]` for none. */
  registers?: Registry[];
  aggregator?: Aggregator;
  collect?: CollectFunction<any>;
  /** OpenMetrics unit (e.g. "seconds"); the name should end with `_<unit>`. */
  unit?: string;
  /** Series limit; past it new label sets fold into one overflow="true" series. Default 10,000. */
  maxSeries?: number;
  /** Accepted for prom-client compatibility; exemplars are not kept. */
  enableExemplars?: boolean;
}

export interface MetricValue<T extends string> {
  value: number;
  labels: LabelValues<T> & Record<string, LabelValue>;
  metricName?: string;
}

export interface MetricObjectWithValues<T extends string = string> {
  name: string;
  help: string;
  type: MetricType;
  aggregator: Aggregator;
  values: MetricValue<T>[];
}

/** How a registry asks a metric for its text. */
export interface RenderContext {
  readonly openMetrics: boolean;
  /** Registry default labels not already label names of the metric, as `a="x",...`. */
  readonly extraPairs: string;
  /** Cache key for series prefixes: changes with format and extra labels. */
  readonly key: string;
}

let globalRegistryRef: Registry | undefined;
/** Set by registry.ts (avoids an import cycle). */
export function setGlobalRegistry(r: Registry): void {
  globalRegistryRef = r;
}

const warnedOverflow = new Set<string>();

/** One labelled series. Subclasses hold the values; this holds identity and text caches. */
export abstract class Series {
  /** False once removed or reset away; a detached series forwards to the live one. */
  attached = true;
  /** Text cache key (RenderContext.key) for which `prefix` fields were built. */
  pk: string | undefined = undefined;
  private labelsObj: Record<string, string> | undefined;

  constructor(
    readonly metric: MetricBase<any, any>,
    /** Normalized values in labelNames order (undefined: absent). */
    readonly values: readonly (string | undefined)[],
    /** `a="x",b="y"`: escaped, without braces. */
    readonly pairs: string,
  ) {}

  /** The label object of this series (only the labels it has). */
  get labels(): Record<string, string> {
    if (this.labelsObj) return this.labelsObj;
    const o: Record<string, string> = {};
    const names = this.metric.labelNames;
    if (this.metric.overflow === this) o.overflow = 'true';
    else
      for (let i = 0; i < names.length; i++) if (this.values[i] !== undefined) o[names[i]] = this.values[i]!;
    this.labelsObj = o;
    return o;
  }

  /** The series now live for these labels (this one again when it can be re-inserted). */
  protected live(): this {
    return this.metric.reattach(this) as this;
  }

  /** Zeroes the values (used by reset of a label-less metric). */
  abstract zero(): void;
}

export abstract class MetricBase<T extends string, S extends Series> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly T[];
  readonly aggregator: Aggregator;
  readonly unit: string;
  readonly maxSeries: number;
  readonly registers: Registry[];
  /** prom-client's exemplar call style (`inc({ labels, value })`) is accepted; exemplars are not kept. */
  protected readonly exemplarStyle: boolean;
  abstract readonly type: MetricType;
  collect?: CollectFunction<any>;
  /** The overflow="true" series, once the guard has been hit. */
  overflow: S | undefined;
  protected readonly arity: number;
  /** Series with no label values (a label-less metric's only series). */
  protected single: S | undefined;
  protected root: Map<unknown, any> = new Map();
  /** Every attached series, in creation order. */
  readonly series = new Set<S>();
  private readonly nameSet: Set<string>;
  private headerKey: string | undefined;
  private headerText = '';

  constructor(config: MetricConfiguration<T>, reservedLabels: readonly string[] = []) {
    if (config === null || typeof config !== 'object') {
      throw new TypeError(`metric constructor expects a configuration object, got ${describe(config)}`);
    }
    assertMetricName(config.name);
    if (typeof config.help !== 'string' || config.help === '') {
      throw new TypeError(`metric "${config.name}": help must be a non-empty string`);
    }
    this.name = config.name;
    this.help = config.help;
    this.labelNames = assertLabelNames(config.name, config.labelNames, reservedLabels) as T[];
    this.nameSet = new Set(this.labelNames);
    this.arity = this.labelNames.length;
    this.aggregator = config.aggregator ?? 'sum';
    if (
      config.unit !== undefined &&
      (typeof config.unit !== 'string' || !/^[a-zA-Z0-9_]*$/.test(config.unit))
    ) {
      throw new TypeError(`metric "${config.name}": unit must be a string of [a-zA-Z0-9_]`);
    }
    this.unit = config.unit ?? '';
    const maxSeries = config.maxSeries ?? DEFAULT_MAX_SERIES;
    if (!Number.isInteger(maxSeries) || maxSeries < 1) {
      throw new TypeError(`metric "${config.name}": maxSeries must be a positive integer`);
    }
    this.maxSeries = maxSeries;
    if (config.collect !== undefined && typeof config.collect !== 'function') {
      throw new TypeError(`metric "${config.name}": collect must be a function`);
    }
    this.collect = config.collect;
    this.exemplarStyle = config.enableExemplars === true;
    if (config.registers !== undefined && config.registers !== null && !Array.isArray(config.registers)) {
      throw new TypeError(`metric "${config.name}": registers must be an array of registries`);
    }
    this.registers = config.registers ?? (globalRegistryRef ? [globalRegistryRef] : []);
  }

  /** Registers in `registers`; called by subclasses at the end of their constructor. */
  protected init(): void {
    if (this.arity === 0) {
      this.single = this.newSeries([], '');
      this.series.add(this.single);
    }
    for (const r of this.registers) r.registerMetric(this as any);
  }

  protected abstract newSeries(values: (string | undefined)[], pairs: string): S;

  /** Series for positional label values (prom-client's `labels('a', 'b')`). */
  protected byValues(args: readonly unknown[]): S {
    const n = this.arity;
    if (args.length !== n) {
      throw new TypeError(
        `metric "${this.name}": ${args.length} label values given for ${n} label names (${this.labelNames.join(', ')})`,
      );
    }
    if (n === 0) return this.single!;
    let node: any = this.root;
    for (let i = 0; i < n; i++) {
      let v = args[i];
      if (typeof v !== 'string' && v !== undefined) v = String(v);
      const next = node.get(v);
      if (next === undefined) return this.create(args as unknown[]);
      node = next;
    }
    return node as S;
  }

  /** Series for a label object (prom-client's `inc({a: 'x'})`). */
  protected byObject(labels: Record<string, unknown>): S {
    const names = this.labelNames;
    const n = names.length;
    let node: any = this.root;
    let defined = 0;
    let i = 0;
    for (; i < n; i++) {
      let v = labels[names[i]];
      if (v !== undefined) {
        defined++;
        if (typeof v !== 'string') v = String(v);
      }
      const next = node.get(v);
      if (next === undefined) break;
      node = next;
    }
    let keys = 0;
    for (const _ in labels) keys++;
    if (keys !== defined) this.checkLabelKeys(labels);
    if (i < n) {
      const vals = new Array(n);
      for (let j = 0; j < n; j++) vals[j] = labels[names[j]];
      return this.create(vals);
    }
    if (n === 0) return this.single!;
    return node as S;
  }

  private checkLabelKeys(labels: Record<string, unknown>): void {
    for (const k in labels) {
      if (!this.nameSet.has(k)) {
        throw new TypeError(
          `metric "${this.name}": label "${k}" is not one of its label names (${this.labelNames.join(', ')})`,
        );
      }
    }
  }

  /** Creates (or finds, after value repair) the series for raw values; applies the guard. */
  private create(raw: unknown[]): S {
    const n = this.arity;
    if (n === 0) return this.single!;
    const vals: (string | undefined)[] = new Array(n);
    let repaired = false;
    for (let i = 0; i < n; i++) {
      const v = raw[i];
      if (v === undefined) continue;
      const s = normalizeLabelValue(v);
      vals[i] = s;
      if (s !== (typeof v === 'string' ? v : String(v))) repaired = true;
    }
    if (repaired) {
      const existing = this.find(vals);
      if (existing) return existing;
    }
    if (this.liveCount() >= this.maxSeries) return this.overflowSeries();
    let pairs = '';
    const names = this.labelNames;
    for (let i = 0; i < n; i++) {
      const v = vals[i];
      if (v === undefined) continue;
      if (pairs !== '') pairs += ',';
      pairs += names[i] + '="' + escapeLabelValue(v) + '"';
    }
    const s = this.newSeries(vals, pairs);
    this.insert(s);
    return s;
  }

  private liveCount(): number {
    const o = this.overflow;
    return this.series.size - (o !== undefined && o.attached ? 1 : 0);
  }

  private find(vals: readonly (string | undefined)[]): S | undefined {
    let node: any = this.root;
    for (let i = 0; i < this.arity; i++) {
      node = node.get(vals[i]);
      if (node === undefined) return undefined;
    }
    return node as S;
  }

  private insert(s: S): void {
    let node: any = this.root;
    const n = this.arity;
    for (let i = 0; i < n - 1; i++) {
      let next = node.get(s.values[i]);
      if (next === undefined) {
        next = new Map();
        node.set(s.values[i], next);
      }
      node = next;
    }
    node.set(s.values[n - 1], s);
    this.series.add(s);
  }

  private overflowSeries(): S {
    sdkStats.overflowedSeries++;
    if (this.overflow === undefined) {
      if (!warnedOverflow.has(this.name)) {
        warnedOverflow.add(this.name);
        process.emitWarning(
          `metric "${this.name}" reached its limit of ${this.maxSeries} series; new label sets are folded into one series with overflow="true"`,
          { code: 'SONDE_CARDINALITY' },
        );
      }
      this.overflow = this.newSeries(new Array(this.arity), 'overflow="true"');
    }
    if (!this.overflow.attached || !this.series.has(this.overflow)) {
      this.overflow.attached = true;
      this.series.add(this.overflow);
    }
    return this.overflow;
  }

  /** Called by a detached series when it is used again. */
  reattach(s: Series): Series {
    if (s === this.overflow) return this.overflowSeries();
    if (this.arity === 0) return this.single!;
    const live = this.find(s.values);
    if (live) return live;
    if (this.liveCount() >= this.maxSeries) return this.overflowSeries();
    s.zero();
    s.attached = true;
    this.insert(s as S);
    return s;
  }

  /** The series for these labels (prom-client's `labels(...)`): a bound child that keeps its own state. */
  labels(...values: LabelValue[]): S;
  labels(labels: LabelValues<T>): S;
  labels(...args: unknown[]): S {
    const a = args[0];
    if (args.length === 1 && a !== null && typeof a === 'object')
      return this.byObject(a as Record<string, unknown>);
    return this.byValues(args);
  }

  /** Removes the series for these labels. */
  remove(...values: LabelValue[]): void;
  remove(labels: LabelValues<T>): void;
  remove(...args: unknown[]): void {
    const a = args[0];
    let vals: unknown[];
    if (args.length === 1 && a !== null && typeof a === 'object') {
      this.checkLabelKeys(a as Record<string, unknown>);
      vals = this.labelNames.map((n) => (a as Record<string, unknown>)[n]);
    } else {
      if (args.length !== this.arity) {
        throw new TypeError(
          `metric "${this.name}": ${args.length} label values given for ${this.arity} label names`,
        );
      }
      vals = args;
    }
    if (this.arity === 0) return;
    const norm = vals.map((v) => (v === undefined ? undefined : normalizeLabelValue(v)));
    const s = this.find(norm);
    if (!s) return;
    this.unlink(s);
  }

  private unlink(s: S): void {
    const path: Map<unknown, any>[] = [];
    let node: any = this.root;
    for (let i = 0; i < this.arity - 1; i++) {
      path.push(node);
      node = node.get(s.values[i]);
    }
    node.delete(s.values[this.arity - 1]);
    for (let i = this.arity - 2; i >= 0 && node.size === 0; i--) {
      const parent = path[i];
      parent.delete(s.values[i]);
      node = parent;
    }
    s.attached = false;
    this.series.delete(s);
  }

  /** Clears every series (a label-less metric goes back to zero). */
  reset(): void {
    if (this.arity === 0) {
      this.single!.zero();
      return;
    }
    for (const s of this.series) {
      s.attached = false;
      s.zero();
    }
    this.series.clear();
    this.root = new Map();
  }

  /** Series with no label values on a labelled metric (prom-client allows `inc()` there). */
  protected unlabelled(): S {
    return this.arity === 0 ? this.single! : this.byValues(new Array(this.arity));
  }

  /** The series for an optional label object: labelled, or the label-less one. */
  protected pick(labels: unknown): S {
    return typeof labels === 'object' && labels !== null
      ? this.byObject(labels as Record<string, unknown>)
      : (this.single ?? this.unlabelled());
  }

  /** `# HELP`/`# TYPE` (and `# UNIT`) lines; cached. */
  protected header(ctx: RenderContext): string {
    if (this.headerKey === (ctx.openMetrics ? 'o' : 't')) return this.headerText;
    const name = this.familyName(ctx.openMetrics);
    let h: string;
    if (ctx.openMetrics) {
      h = '# TYPE ' + name + ' ' + this.type + '\n';
      if (this.unit && name.endsWith('_' + this.unit)) h += '# UNIT ' + name + ' ' + this.unit + '\n';
      h += '# HELP ' + name + ' ' + escapeHelpOpenMetrics(this.help) + '\n';
    } else {
      h = '# HELP ' + name + ' ' + escapeHelp(this.help) + '\n# TYPE ' + name + ' ' + this.type + '\n';
    }
    this.headerKey = ctx.openMetrics ? 'o' : 't';
    this.headerText = h;
    return h;
  }

  protected familyName(openMetrics: boolean): string {
    return openMetrics && this.type === 'counter' && this.name.endsWith('_total')
      ? this.name.slice(0, -6)
      : this.name;
  }

  /** `{pairs,extra}` for a series. */
  protected static labelBlock(s: Series, ctx: RenderContext): string {
    return braces(joinPairs(s.pairs, ctx.extraPairs));
  }

  /** The exposition text of this metric (header and every series). */
  abstract render(ctx: RenderContext): string;

  /** prom-client's `get()`: runs `collect`, then the values as objects. */
  async get(): Promise<MetricObjectWithValues<T>> {
    if (this.collect) {
      const r = this.collect.call(this);
      if (r && typeof (r as Promise<void>).then === 'function') await r;
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: this.values(),
    };
  }

  protected abstract values(): MetricValue<T>[];
}
