// Shared by the middleware tests: read one sample from a registry's text.
import type { Registry } from '../registry.js';

/** Value of the sample `name{labels}` whose labels include all of `want` (and only those when exact). */
export async function sample(
  reg: Registry,
  name: string,
  want: Record<string, string>,
): Promise<number | undefined> {
  const text = await reg.metrics();
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    const m = /^([^{ ]+)(?:\{(.*)\})? (.*)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const p of (m[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)) labels[p[1]] = p[2];
    const keys = Object.keys(labels).filter((k) => k !== 'le');
    if (keys.length !== Object.keys(want).length) continue;
    if (Object.entries(want).every(([k, v]) => labels[k] === v)) return Number(m[3]);
  }
  return undefined;
}
