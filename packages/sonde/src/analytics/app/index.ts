export {
  gradeOf,
  type Grade,
  type Health,
  HEALTH_FORMULA,
  type HealthInput,
  type HealthPart,
  healthScore,
} from './health.js';
export { type LatencyDistribution, latencyByGroup, latencyOverall } from './latency.js';
export {
  type CacheRating,
  DEFAULT_ROUTE_THRESHOLDS,
  DURATION_METRIC,
  REQUESTS_METRIC,
  type RouteStats,
  type RouteThresholds,
  routeStats,
  type Severity,
  severityOf,
} from './routes.js';
