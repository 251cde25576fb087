// Alertmanager's routing tree: an alert walks down from the root; a child that
// matches takes it (and stops the walk unless `continue`), a node no child
// takes keeps it. Settings not given on a node come from its parent.
import type { RouteConfig } from '../../config/alerting-schema.js';
import { parsePromDuration } from '../rules/file.js';
import type { Labels } from '../../storage/types.js';
import { type CompiledMatcher, formatMatchers, matchersFromConfig, matchesLabels } from './matchers.js';

export interface Route {
  /** Unique and stable for an unchanged config: the path of matchers and the index among siblings. */
  readonly id: string;
  /** Alertmanager's route key (the path of matchers), which its group keys start with. */
  readonly key: string;
  readonly receiver: string;
  /** null = group by all labels (`group_by: ['...']`). */
  readonly groupBy: readonly string[] | null;
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
  readonly continue: boolean;
  readonly matchers: readonly CompiledMatcher[];
  readonly routes: readonly Route[];
}

const DEFAULTS = { groupWaitMs: 30_000, groupIntervalMs: 5 * 60_000, repeatIntervalMs: 4 * 3_600_000 };

export function buildRoute(config: RouteConfig, parent?: Route, index = 0): Route {
  const matchers = matchersFromConfig(config.matchers, config.match, config.match_re);
  const groupBy = config.group_by
    ? config.group_by.includes('...')
      ? null
      : [...config.group_by].sort()
    : parent
      ? parent.groupBy
      : [];
  const dur = (v: string | undefined, inherited: number) =>
    v === undefined ? inherited : parsePromDuration(v);
  const children: Route[] = [];
  const route: Route = {
    id: parent ? `${parent.id}/${index}${formatMatchers(matchers)}` : formatMatchers(matchers),
    key: parent ? `${parent.key}/${formatMatchers(matchers)}` : formatMatchers(matchers),
    receiver: config.receiver ?? parent?.receiver ?? '',
    groupBy,
    groupWaitMs: dur(config.group_wait, parent?.groupWaitMs ?? DEFAULTS.groupWaitMs),
    groupIntervalMs: dur(config.group_interval, parent?.groupIntervalMs ?? DEFAULTS.groupIntervalMs),
    repeatIntervalMs: dur(config.repeat_interval, parent?.repeatIntervalMs ?? DEFAULTS.repeatIntervalMs),
    continue: config.continue,
    matchers,
    routes: children,
  };
  config.routes.forEach((c, i) => {
    children.push(buildRoute(c, route, i));
  });
  return route;
}

/** The routes that take an alert with these labels (Alertmanager's Route.Match). */
export function matchRoutes(route: Route, labels: Labels): Route[] {
  if (!matchesLabels(route.matchers, labels)) return [];
  const all: Route[] = [];
  for (const child of route.routes) {
    const m = matchRoutes(child, labels);
    all.push(...m);
    if (m.length > 0 && !child.continue) break;
  }
  if (all.length === 0) all.push(route);
  return all;
}

/** The labels an alert is grouped by on a route. */
export function groupLabels(route: Route, labels: Labels): Record<string, string> {
  if (route.groupBy === null) return { ...labels };
  const out: Record<string, string> = {};
  for (const name of route.groupBy) if (labels[name]) out[name] = labels[name];
  return out;
}
