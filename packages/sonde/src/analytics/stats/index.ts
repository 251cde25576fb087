export {
  comparePeriods,
  type Comparison,
  type CompareOptions,
  type PercentileChange,
  type Verdict,
} from './compare.js';
export {
  addSample,
  bucketUpper,
  emptySketch,
  mergeSketches,
  sampleFromValues,
  sketchFractionBelow,
  sketchQuantile,
  windowIncrease,
  type Sketch,
} from './histogram.js';
export { mannWhitney, type MannWhitney } from './mann-whitney.js';
export { normalCdf, normalQuantile, twoSidedP } from './normal.js';
export { median, quantile, quantileSorted, sortedFinite, summarize, type Summary } from './summary.js';
export { mannKendall, reduceSeries, theilSen, trend, trendSlope, type Trend } from './trend.js';
