#!/usr/bin/env node
// Runs every benchmark in bench/ (files named *.bench.ts), one after another,
// each printing sonde beside its peer with the ratio.
// Usage: npm run bench [-- <name filter>...]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);
const benches = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file}`);
  const r = spawnSync(
    process.execPath,
    ['--conditions=sonde-src', '--expose-gc', '--import', 'tsx', join('bench', file)],
    { cwd: root, stdio: 'inherit' },
  );
  if (r.status !== 0) failed++;
}
console.log(`\n${benches.length - failed} benchmarks ran, ${failed} failed`);
process.exit(failed ? 1 : 0);
