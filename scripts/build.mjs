#!/usr/bin/env node
// Builds what `npm start` needs: the TypeScript packages (incremental, so a
// second run with nothing changed costs about a second) and the dashboard's
// static assets when its sources are newer than its last build.
// --force rebuilds the dashboard regardless.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const force = process.argv.includes('--force');

function run(cmd, args, cwd = root) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`build failed: ${cmd} ${args.join(' ')}`);
    process.exit(r.status ?? 1);
  }
}

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
run(process.execPath, [tsc, '-b', 'packages/sdk', 'packages/sonde']);

const dash = join(root, 'packages', 'dashboard');
if (existsSync(join(dash, 'vite.config.ts'))) {
  const built = join(dash, 'dist', 'index.html');
  const stale =
    force ||
    !existsSync(built) ||
    Math.max(newestMtime(join(dash, 'src')), statSync(join(dash, 'vite.config.ts')).mtimeMs) >
      statSync(built).mtimeMs;
  if (stale) run('npm', ['run', 'build', '--silent'], dash);
}
