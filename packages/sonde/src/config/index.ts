// Configuration: one typed, validated SondeConfig from defaults, file, env and flags.
export { configSchema, logLevels, type SondeConfig } from './schema.js';
export { ConfigError, ENV_KEYS, loadConfig, type LoadOptions, type Overrides } from './load.js';
export { parseDuration } from './duration.js';
