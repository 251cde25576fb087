// Screenshots of every page for docs/screenshots/, from a real sonde that has
// collected this host for a while and serves an hour of an app's traffic
// (kept flowing). Run from the repository root:
//   node --conditions=sonde-src --import tsx packages/sonde/test/dashboard/screenshots.ts [minutes to collect first]
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSondeProcess } from '../support/sonde-process.js';
import { importAppTraffic } from './app-traffic.js';
import { launchBrowser } from './browser.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const out = join(root, 'docs/screenshots');
const minutes = Number(process.argv[2] ?? 10);
mkdirSync(out, { recursive: true });

const dataDir = await mkdtemp(join(tmpdir(), 'sonde-shots-'));
const sonde = await startSondeProcess(['--data-dir', dataDir]);
const start = Date.now() - 3_600_000;
const STEP = 15_000;
let last = Math.floor(Date.now() / STEP) * STEP;
await importAppTraffic(sonde.url, start, last, STEP);
const traffic = setInterval(async () => {
  const now = Math.floor(Date.now() / STEP) * STEP;
  if (now <= last) return;
  await importAppTraffic(sonde.url, start, now, STEP, last + STEP).catch(() => {});
  last = now;
}, 5000);
console.log(`sonde at ${sonde.url}; collecting for ${minutes} min before the screenshots`);
await new Promise((r) => setTimeout(r, minutes * 60_000));

const browser = await launchBrowser({ width: 1440, height: 900 });
try {
  const page = await browser.context.newPage();
  const shot = async (path: string, name: string, wait = 4000) => {
    await page.goto(`${sonde.url}${path}`);
    await page.locator('main h1').waitFor();
    await page.waitForTimeout(wait);
    await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
    console.log(`${name}.png`);
  };
  await shot('/', 'overview', 6000);
  await shot(
    '/explore?q=sum%20by%20(mode)%20(rate(node_cpu_seconds_total%7Bmode!%3D%22idle%22%7D%5B1m%5D))&range=1h',
    'explore',
  );
  await shot('/routes?window=1h', 'routes');
  await shot('/routes/%2Fapi%2Fsearch?method=GET', 'route', 6000);
  await shot('/hosts', 'hosts');
  await shot('/anomalies', 'anomalies', 6000);
  await shot('/alerts', 'alerts');
  await shot('/storage', 'storage');
  await page.getByRole('button', { name: /Switch to light theme/ }).click();
  await shot('/', 'overview-light', 6000);
  await page.getByRole('button', { name: /Switch to dark theme/ }).click();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${sonde.url}/`);
  await page.waitForTimeout(5000);
  await page.screenshot({ path: join(out, 'overview-phone.png') });
  console.log('overview-phone.png');
} finally {
  clearInterval(traffic);
  await browser.close();
  await sonde.stop();
  await rm(dataDir, { recursive: true, force: true });
}
