export {
  bucketBounds,
  type BucketSpan,
  DEFAULT_MAX_BUCKETS,
  DEFAULT_ZERO_THRESHOLD,
  ExponentialSketch,
  type HistogramSample,
  MAX_SCALE,
  MIN_SCALE,
  type SketchOptions,
} from './exponential.js';
