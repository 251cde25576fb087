// file_sd_configs: target groups from JSON or YAML files (globs allowed in
// the file name), re-read when their directory changes and on the refresh
// interval. A file that stops parsing keeps its last good groups, as in
// Prometheus, and the problem is logged.
import { type FSWatcher, watch } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { Logger } from 'pino';
import { parse as parseYaml } from 'yaml';
import type { TargetGroup } from './targets.js';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Parses one file's content into target groups; throws naming the problem. */
export function parseTargetGroups(text: string, file: string): TargetGroup[] {
  const ext = extname(file).toLowerCase();
  let data: unknown;
  if (ext === '.json') data = JSON.parse(text);
  else if (ext === '.yml' || ext === '.yaml') data = parseYaml(text);
  else throw new Error(`unsupported file extension "${ext}" (use .json, .yml or .yaml)`);
  if (data === null || data === undefined) return [];
  if (!Array.isArray(data)) throw new Error('expected a list of target groups');
  return data.map((g: unknown, i) => {
    if (typeof g !== 'object' || g === null) throw new Error(`group ${i}: expected an object`);
    const { targets, labels } = g as { targets?: unknown; labels?: unknown };
    if (!Array.isArray(targets) || targets.some((t) => typeof t !== 'string'))
      throw new Error(`group ${i}: "targets" must be a list of strings`);
    const out: Record<string, string> = {};
    if (labels !== undefined && labels !== null) {
      if (typeof labels !== 'object') throw new Error(`group ${i}: "labels" must be a map`);
      for (const [k, v] of Object.entries(labels)) {
        if (!LABEL_NAME.test(k)) throw new Error(`group ${i}: "${k}" is not a valid label name`);
        if (typeof v !== 'string') throw new Error(`group ${i}: label "${k}" must be a string`);
        out[k] = v;
      }
    }
    out.__meta_filepath = file;
    return { targets: targets as string[], labels: out, source: `${file}:${i}` };
  });
}

/** Go's filepath.Match subset (`*`, `?`, `[...]`) for the last path element. */
function globRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, end)}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export interface FileSdOptions {
  readonly files: readonly string[];
  readonly refreshIntervalMs: number;
  readonly logger: Logger;
  readonly onChange: (groups: TargetGroup[]) => void;
}

export class FileSd {
  private readonly byFile = new Map<string, TargetGroup[]>();
  private readonly watchers: FSWatcher[] = [];
  private interval: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private reading: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly o: FileSdOptions) {}

  /** Reads the files once (resolves after the first change is delivered), then watches. */
  async start(): Promise<void> {
    await this.refresh();
    for (const dir of new Set(this.o.files.map((f) => dirname(f)))) {
      try {
        const w = watch(dir, () => this.schedule());
        w.on('error', (err) => this.o.logger.warn({ err, dir }, 'file_sd: watching failed'));
        this.watchers.push(w);
      } catch (err) {
        this.o.logger.warn({ err, dir }, 'file_sd: cannot watch directory; relying on refresh_interval');
      }
    }
    this.interval = setInterval(() => this.schedule(), this.o.refreshIntervalMs);
    this.interval.unref();
  }

  stop(): void {
    this.closed = true;
    clearInterval(this.interval);
    clearTimeout(this.debounce);
    for (const w of this.watchers) w.close();
  }

  /** Re-reads every file (serialized); exposed for tests. */
  refresh(): Promise<void> {
    this.reading = this.reading.then(() => this.readAll());
    return this.reading;
  }

  private schedule(): void {
    if (this.closed) return;
    clearTimeout(this.debounce);
    // Editors write in several steps; settle briefly before reading.
    this.debounce = setTimeout(() => void this.refresh(), 50);
  }

  private async listFiles(): Promise<string[]> {
    const out: string[] = [];
    for (const pattern of this.o.files) {
      const name = basename(pattern);
      if (!/[*?[]/.test(name)) {
        out.push(pattern);
        continue;
      }
      const dir = dirname(pattern);
      const re = globRegex(name);
      try {
        for (const entry of (await readdir(dir)).sort()) if (re.test(entry)) out.push(join(dir, entry));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    return out;
  }

  private async readAll(): Promise<void> {
    if (this.closed) return;
    const files = await this.listFiles();
    const seen = new Set(files);
    let changed = false;
    for (const f of [...this.byFile.keys()]) {
      if (!seen.has(f)) {
        this.byFile.delete(f);
        changed = true;
      }
    }
    for (const file of files) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
          if (this.byFile.delete(file)) changed = true;
          continue;
        }
        this.o.logger.warn({ err, file }, 'file_sd: cannot read file');
        continue;
      }
      try {
        const groups = parseTargetGroups(text, file);
        if (JSON.stringify(groups) !== JSON.stringify(this.byFile.get(file))) {
          this.byFile.set(file, groups);
          changed = true;
        }
      } catch (err) {
        this.o.logger.warn({ file, error: (err as Error).message }, 'file_sd: keeping the last good targets');
      }
    }
    if (changed && !this.closed) this.o.onChange([...this.byFile.values()].flat());
  }
}
