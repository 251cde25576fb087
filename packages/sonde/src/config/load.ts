// Builds the one validated SondeConfig from, in rising precedence: defaults,
// the YAML file, SONDE_* environment variables, command-line flags. Every
// failure is a ConfigError naming the key, the bad value and what is allowed.
import { readFileSync } from 'node:fs';
import { type Document, LineCounter, isNode, parseDocument } from 'yaml';
import type { z } from 'zod';
import { type SondeConfig, configSchema } from './schema.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Settings given as flags or env; keys are config keys (snake_case paths joined by '.'). */
export type Overrides = Record<string, string | number | boolean | undefined>;

export interface LoadOptions {
  /** From the command line: { listen, data_dir, config, log_level }. */
  readonly flags?: Overrides;
  readonly env?: NodeJS.ProcessEnv;
  /** remote_write URLs from the command line, added to those in the file. */
  readonly remoteWrite?: readonly string[];
}

/** The environment variables sonde reads, and the config key each one sets. */
export const ENV_KEYS: Readonly<Record<string, string>> = {
  SONDE_LISTEN: 'listen',
  SONDE_DATA_DIR: 'data_dir',
  SONDE_LOG_LEVEL: 'log_level',
  SONDE_CONFIG: 'config',
};

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

interface FileConfig {
  readonly values: Record<string, unknown>;
  /** The line (1-based) a key path is written on in the file, if it is there. */
  readonly lineOf: (path: readonly PropertyKey[]) => number | undefined;
}

function readFileConfig(path: string): FileConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { prettyErrors: true, lineCounter });
  if (doc.errors.length > 0) {
    throw new ConfigError(`config file ${path} is not valid YAML: ${doc.errors[0].message}`);
  }
  let value: unknown;
  try {
    // toJS expands aliases; the yaml library refuses a "billion laughs" expansion by throwing.
    value = doc.toJS() ?? {};
  } catch (err) {
    throw new ConfigError(`config file ${path} is not usable YAML: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`config file ${path} must hold a mapping of settings at the top level`);
  }
  return {
    values: value as Record<string, unknown>,
    lineOf(keyPath) {
      for (let n = keyPath.length; n > 0; n--) {
        const node = doc.getIn(keyPath.slice(0, n) as unknown[], true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    },
  };
}

/** JSON of a value from the file; a YAML alias can make it refer to itself. */
function showValue(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '(a value that contains itself through a YAML alias)';
  }
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown, file?: FileConfig): string {
  const line = file?.lineOf(issue.path);
  const at = line ? ` (line ${line})` : '';
  const key = issue.path.length ? issue.path.join('.') : '(top level)';
  let value: unknown = input;
  for (const p of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[p as PropertyKey];
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length ? `${key}.` : '';
    const unknownLine = file?.lineOf([...issue.path, issue.keys[0]]);
    return `unknown setting ${issue.keys.map((k) => `${where}${k}`).join(', ')}${unknownLine ? ` (line ${unknownLine})` : ''}`;
  }
  const shown = value === undefined ? '(missing)' : showValue(value);
  return `${key}${at}: ${shown} is not allowed: ${issue.message}`;
}

export function loadConfig(options: LoadOptions = {}): SondeConfig {
  const env = options.env ?? process.env;
  const flags = options.flags ?? {};
  const fromEnv: Overrides = {};
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const configPath = (flags.config ?? fromEnv.config) as string | undefined;
  const file = configPath ? readFileConfig(configPath) : undefined;
  const merged: Record<string, unknown> = { ...(file?.values ?? {}) };
  for (const layer of [fromEnv, flags]) {
    for (const [key, value] of Object.entries(layer)) {
      if (key === 'config' || value === undefined) continue;
      setPath(merged, key, value);
    }
  }
  if (options.remoteWrite?.length) {
    const listed = Array.isArray(merged.remote_write) ? merged.remote_write : [];
    merged.remote_write = [...listed, ...options.remoteWrite.map((url) => ({ url }))];
  }
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const where = configPath ? ` (config file ${configPath}, env and flags)` : '';
    const problems = parsed.error.issues.map((i) => describeIssue(i, merged, file));
    throw new ConfigError(`invalid configuration${where}: ${problems.join('; ')}`);
  }
  return parsed.data;
}
