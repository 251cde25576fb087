// Analytics: what sonde concludes from the stored series. Pure functions over
// Float64Array columns and SeriesData; the API and CLI only wire them to data.
export * from './anomaly/index.js';
export * from './stats/index.js';
export * from './forecast/index.js';
export * from './changes/index.js';
export * from './system/index.js';
export * from './app/index.js';
export * from './recommend/index.js';
