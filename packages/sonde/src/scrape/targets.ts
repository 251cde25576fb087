// From discovered target groups to scrape targets, as Prometheus's
// populateLabels does it: job/interval/timeout/path/scheme/params defaults as
// `__` labels, relabel_configs, a default port for the scheme, `__meta_*`
// removed, `instance` defaulting to the address; the scrape URL and timing
// read back from the relabeled `__` labels.
import type { z } from 'zod';
import { parseDuration } from '../config/duration.js';
import type { scrapeConfigSchema } from '../config/schema.js';
import { labelsKey } from '../storage/labels.js';
import type { Labels } from '../storage/types.js';
import { compileRelabelConfigs, type RelabelRule, relabel } from './relabel.js';

export type ScrapeConfig = z.output<typeof scrapeConfigSchema>;

/** A scrape config with durations in ms and its rules compiled. */
export interface ResolvedScrapeConfig {
  readonly config: ScrapeConfig;
  readonly jobName: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly relabel: readonly RelabelRule[];
  readonly metricRelabel: readonly RelabelRule[];
}

export interface TargetGroup {
  readonly targets: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
  /** Where the group came from (for `__meta_filepath` the source adds the label itself). */
  readonly source: string;
}

export interface ScrapeTarget {
  /** Labels before relabeling (what the targets API calls discoveredLabels). */
  readonly discoveredLabels: Labels;
  /** The labels every sample of the target gets (no `__` labels). */
  readonly labels: Labels;
  readonly url: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Identity: same labels and URL is the same target. */
  readonly key: string;
}

/** Go's model.Duration formatting: 1m, 15s, 1m30s, 500ms. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  const units: [string, number, boolean][] = [
    ['y', 365 * 86_400_000, true],
    ['w', 7 * 86_400_000, true],
    ['d', 86_400_000, false],
    ['h', 3_600_000, false],
    ['m', 60_000, false],
    ['s', 1000, false],
    ['ms', 1, false],
  ];
  for (const [unit, mult, exact] of units) {
    if (exact && rest % mult !== 0) continue;
    const v = Math.floor(rest / mult);
    if (v > 0) {
      out += `${v}${unit}`;
      rest -= v * mult;
    }
  }
  return out;
}

/** Checks and compiles one scrape config; throws naming the job and the problem. */
export function resolveScrapeConfig(config: ScrapeConfig): ResolvedScrapeConfig {
  const job = config.job_name;
  const intervalMs = parseDuration(config.scrape_interval);
  if (intervalMs <= 0) throw new Error(`scrape_configs[${job}]: scrape_interval must be positive`);
  const timeoutMs =
    config.scrape_timeout === undefined ? Math.min(10_000, intervalMs) : parseDuration(config.scrape_timeout);
  if (timeoutMs <= 0) throw new Error(`scrape_configs[${job}]: scrape_timeout must be positive`);
  if (timeoutMs > intervalMs)
    throw new Error(
      `scrape_configs[${job}]: scrape_timeout ${config.scrape_timeout} is greater than scrape_interval ${config.scrape_interval}`,
    );
  return {
    config,
    jobName: job,
    intervalMs,
    timeoutMs,
    relabel: compileRelabelConfigs(config.relabel_configs, `scrape_configs[${job}].relabel_configs`),
    metricRelabel: compileRelabelConfigs(
      config.metric_relabel_configs,
      `scrape_configs[${job}].metric_relabel_configs`,
    ),
  };
}

function hasPort(addr: string): boolean {
  if (addr.startsWith('[')) return /\]:\d*$/.test(addr);
  const colons = addr.split(':').length - 1;
  return colons === 1;
}

/**
 * One discovered target through relabeling. Returns the target, or the
 * reason it is dropped (`undefined` reason: dropped by relabeling).
 */
export function populateTarget(
  rc: ResolvedScrapeConfig,
  discovered: Labels,
): { target: ScrapeTarget } | { dropped: Labels; error?: string } {
  const c = rc.config;
  const lb: Record<string, string> = { ...discovered };
  const defaults: [string, string][] = [
    ['job', c.job_name],
    ['__scrape_interval__', formatDuration(rc.intervalMs)],
    ['__scrape_timeout__', formatDuration(rc.timeoutMs)],
    ['__metrics_path__', c.metrics_path],
    ['__scheme__', c.scheme],
  ];
  for (const [k, v] of defaults) if (!lb[k]) lb[k] = v;
  for (const [k, v] of Object.entries(c.params ?? {})) if (v.length > 0) lb[`__param_${k}`] = v[0];
  const pre: Labels = Object.freeze({ ...lb });
  const out = relabel(pre, rc.relabel);
  if (!out) return { dropped: pre };
  const labels: Record<string, string> = { ...out };
  let addr = labels.__address__ ?? '';
  if (addr === '') return { dropped: pre, error: 'no address' };
  if (!hasPort(addr)) {
    const scheme = labels.__scheme__ ?? 'http';
    if (scheme !== 'http' && scheme !== 'https')
      return { dropped: pre, error: `invalid scheme: "${scheme}"` };
    addr = `${addr}:${scheme === 'https' ? 443 : 80}`;
    labels.__address__ = addr;
  }
  if (/[/@]/.test(addr)) return { dropped: pre, error: `"${addr}" is not a valid hostname` };
  let intervalMs: number;
  let timeoutMs: number;
  try {
    intervalMs = parseDuration(labels.__scrape_interval__ ?? '');
    timeoutMs = parseDuration(labels.__scrape_timeout__ ?? '');
  } catch (err) {
    return { dropped: pre, error: (err as Error).message };
  }
  if (intervalMs <= 0 || timeoutMs <= 0 || timeoutMs > intervalMs)
    return { dropped: pre, error: 'scrape timeout must be positive and not greater than the interval' };
  for (const k of Object.keys(labels)) if (k.startsWith('__meta_')) delete labels[k];
  if (!labels.instance) labels.instance = addr;

  const scheme = labels.__scheme__ ?? c.scheme;
  // As Prometheus's Target.URL: configured params, a `__param_<name>` label
  // replacing the first value of <name>, keys sorted.
  const params = new Map<string, string[]>();
  for (const [k, vs] of Object.entries(c.params ?? {})) params.set(k, [...vs]);
  for (const [k, v] of Object.entries(labels)) {
    if (!k.startsWith('__param_')) continue;
    const vs = params.get(k.slice(8));
    if (vs?.length) vs[0] = v;
    else params.set(k.slice(8), [v]);
  }
  const query = new URLSearchParams();
  for (const k of [...params.keys()].sort()) for (const v of params.get(k)!) query.append(k, v);
  const qs = query.toString();
  const href = `${scheme}://${addr}${labels.__metrics_path__ ?? c.metrics_path}${qs ? `?${qs}` : ''}`;
  try {
    new URL(href);
  } catch {
    return { dropped: pre, error: `cannot build a URL from "${addr}"` };
  }

  const pub: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (!k.startsWith('__')) pub[k] = v;
  return {
    target: {
      discoveredLabels: pre,
      labels: Object.freeze(pub),
      url: href,
      intervalMs,
      timeoutMs,
      key: `${labelsKey(pub)}\u0002${href}`,
    },
  };
}

/** The targets of a pool from its groups: active ones by key, dropped ones in order. */
export function populateTargets(
  rc: ResolvedScrapeConfig,
  groups: readonly TargetGroup[],
): { active: Map<string, ScrapeTarget>; dropped: Labels[]; errors: string[] } {
  const active = new Map<string, ScrapeTarget>();
  const dropped: Labels[] = [];
  const errors: string[] = [];
  for (const g of groups) {
    for (const address of g.targets) {
      const r = populateTarget(rc, { ...(g.labels ?? {}), __address__: address });
      if ('target' in r) active.set(r.target.key, r.target);
      else {
        dropped.push(r.dropped);
        if (r.error) errors.push(`${g.source}: target "${address}": ${r.error}`);
      }
    }
  }
  return { active, dropped, errors };
}
