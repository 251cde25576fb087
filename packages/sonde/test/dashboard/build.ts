// Builds the dashboard for the browser tests when its sources are newer than
// the build (CI builds before testing, so there this is a no-op).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

function newest(dir: string): number {
  let m = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    m = Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return m;
}

export function ensureDashboardBuilt(): void {
  const dash = join(root, 'packages/dashboard');
  const built = join(dash, 'dist/index.html');
  if (existsSync(built) && statSync(built).mtimeMs >= newest(join(dash, 'src'))) return;
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: dash, stdio: 'inherit' });
  assert.equal(r.status, 0, 'the dashboard build failed');
}
