export {
  type AnomalyFinding,
  type CapacityFinding,
  duration,
  type Findings,
  type Priority,
  type Recommendation,
  recommend,
  seriesName,
} from './recommendations.js';
