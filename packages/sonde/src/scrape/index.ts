// The scrape stage: Prometheus-compatible scraping of HTTP targets into the
// Storage seam (scrape_configs), and the /api/v1/targets view of it.
export { targetsApi } from './api.js';
export { FileSd, parseTargetGroups } from './file-sd.js';
export { HttpClient, type HttpClientConfig, HttpError, type HttpResponse } from './http-client.js';
export { mergeTargetLabels, SCRAPE_ACCEPT, ScrapeLoop } from './loop.js';
export {
  type ActiveTargetView,
  createScrapeManager,
  type ScrapeManager,
  type ScrapeManagerOptions,
  type TargetsView,
} from './manager.js';
export {
  compileRelabelConfigs,
  expandTemplate,
  hashmod,
  RELABEL_ACTIONS,
  type RelabelAction,
  type RelabelConfig,
  type RelabelRule,
  relabel,
} from './relabel.js';
export {
  formatDuration,
  populateTarget,
  populateTargets,
  type ResolvedScrapeConfig,
  resolveScrapeConfig,
  type ScrapeConfig,
  type ScrapeTarget,
  type TargetGroup,
} from './targets.js';
