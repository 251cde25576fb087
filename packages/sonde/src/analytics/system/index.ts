export { groupBy, increase, lastFinite, mean, type MetricSource, rate, sumOver } from './counters.js';
export { type Bottlenecks, bottlenecks, type Resource, type ResourceUse } from './use.js';
