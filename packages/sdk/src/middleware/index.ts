export {
  type CacheResult,
  errorClass,
  HTTP_DURATION_BUCKETS,
  HttpMetrics,
  type HttpMetricsOptions,
  markCache,
  markError,
  requestState,
  setRoute,
  UNMATCHED,
} from './common.js';
export { expressErrorMetrics, expressMetrics } from './express.js';
export { fastifyMetrics } from './fastify.js';
export { honoMetrics } from './hono.js';
export { instrument, type NodeHttpOptions } from './node-http.js';
