import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** sonde's version, from its package.json. */
export const SONDE_VERSION: string = (require('../package.json') as { version: string }).version;
