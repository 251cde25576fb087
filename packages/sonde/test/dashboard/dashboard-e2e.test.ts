// The dashboard in a real browser (Debian's Chromium through playwright-core)
// against the real sonde server started as a child process: the Overview's
// live charts gain points, Explore graphs a query, a route's page opens, and
// a silence is created and expired. Screenshots of every page are saved
// (test-artifacts/dashboard/, or SONDE_SCREENSHOTS=docs/screenshots).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { type SondeProcess, startSondeProcess } from '../support/sonde-process.js';
import { importAppTraffic } from './app-traffic.js';
import { type Browser, launchBrowser } from './browser.js';
import { ensureDashboardBuilt } from './build.js';
import { startStubApi } from './stub-api.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const shots = join(root, process.env.SONDE_SCREENSHOTS ?? 'test-artifacts/dashboard');

async function points(page: Page, selector: string): Promise<number> {
  return Number(await page.locator(selector).first().getAttribute('data-points'));
}

describe('dashboard in Chromium against a real sonde', { timeout: 120_000 }, () => {
  // SONDE_DASHBOARD_STUB=1 runs the same flows against the stand-in API
  // (stub-api.ts), to work on the UI while a server part is missing.
  let sonde: Pick<SondeProcess, 'url' | 'stop'>;
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  const pageErrors: string[] = [];

  before(async () => {
    ensureDashboardBuilt();
    mkdirSync(shots, { recursive: true });
    dataDir = await mkdtemp(join(tmpdir(), 'sonde-dash-'));
    if (process.env.SONDE_DASHBOARD_STUB) {
      const stub = await startStubApi({ dashboardDir: join(root, 'packages/dashboard/dist') });
      sonde = { url: stub.url, stop: async () => (await stub.app.close(), 0) };
    } else {
      sonde = await startSondeProcess(['--data-dir', dataDir]);
      const now = Date.now();
      // An hour of an instrumented app's traffic, so routes have data.
      await importAppTraffic(sonde.url, now - 3_600_000, now - 5_000, 15_000);
    }
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  after(async () => {
    await browser?.close();
    await sonde?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('Overview: a live host chart gains points within 3 s', async () => {
    await page.goto(`${sonde.url}/`);
    const cpu = '[data-testid=vitals] figure.chart[aria-label="CPU"]';
    await page.locator(cpu).waitFor({ timeout: 20_000 });
    await page.waitForFunction(
      (sel) => Number(document.querySelector(sel)?.getAttribute('data-points')) > 0,
      cpu,
    );
    const first = await points(page, cpu);
    await page.waitForFunction(
      ([sel, n]) =>
        Number(document.querySelector(sel as string)?.getAttribute('data-points')) > (n as number),
      [cpu, first] as const,
      { timeout: 3000 },
    );
    assert.ok((await points(page, cpu)) > first);
    // The live badge says the stream is up, and the canvas was drawn.
    await page.getByRole('status').filter({ hasText: /^Live/ }).first().waitFor();
    assert.equal(await page.locator(`${cpu} canvas`).count(), 1);
    await page.screenshot({ path: join(shots, 'overview.png'), fullPage: true });
  });

  it('Explore: a PromQL query typed in the editor draws a graph', async () => {
    await page.goto(`${sonde.url}/explore`);
    const editor = page.locator('[data-testid=promql-editor] .cm-content');
    await editor.waitFor();
    await editor.click();
    await page.keyboard.type('node_load1');
    await page.keyboard.press('Escape'); // close the completion list
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=node_load1/);
    const chart = 'main figure.chart';
    await page.waitForFunction(
      (sel) => Number(document.querySelector(sel)?.getAttribute('data-points')) > 0,
      chart,
      {
        timeout: 15_000,
      },
    );
    assert.match((await page.locator(`${chart} .legend`).textContent()) ?? '', /node_load1/);
    await page.screenshot({ path: join(shots, 'explore.png'), fullPage: true });
    // Dragging across the graph zooms to that absolute range, kept in the URL.
    const box = (await page.locator(`${chart} .u-over`).boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    await page.waitForURL(/[?&]from=\d+.*&to=\d+/);
    const url = new URL(page.url());
    const span = Number(url.searchParams.get('to')) - Number(url.searchParams.get('from'));
    assert.ok(span > 0 && span < 3_600_000, `zoomed span ${span} ms`);
  });

  it("Routes: the table lists the app's routes and a route's page shows its charts", async () => {
    await page.goto(`${sonde.url}/routes?window=1h`);
    const link = page.getByRole('link', { name: /\/api\/search/ });
    await link.waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(shots, 'routes.png'), fullPage: true });
    await link.click();
    await page.waitForURL(/\/routes\/%2Fapi%2Fsearch/);
    await page.getByRole('heading', { level: 1, name: /\/api\/search/ }).waitFor();
    const percentiles = 'figure.chart[aria-label="Latency percentiles"]';
    await page.waitForFunction(
      (sel) => Number(document.querySelector(sel)?.getAttribute('data-points')) > 0,
      percentiles,
      {
        timeout: 15_000,
      },
    );
    await page.locator('canvas.heatmap').waitFor();
    await page.screenshot({ path: join(shots, 'route.png'), fullPage: true });
  });

  it('Alerts: a silence is created from the form, listed, and expired', async () => {
    await page.goto(`${sonde.url}/alerts`);
    const matchers = page.getByLabel('Matchers');
    await matchers.waitFor({ timeout: 15_000 });
    await matchers.fill('alertname="DiskFull", instance=~"web-.*"');
    await page.getByLabel('Comment').fill('disk swap tonight');
    await page.getByRole('button', { name: 'Create silence' }).click();
    const item = page.locator('[data-testid=silences] li').filter({ hasText: 'alertname="DiskFull"' });
    await item.waitFor({ timeout: 10_000 });
    assert.match((await item.textContent()) ?? '', /instance=~"web-\.\*"/);
    await page.screenshot({ path: join(shots, 'alerts.png'), fullPage: true });
    await item.getByRole('button', { name: 'Expire' }).click();
    await item.waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('every other page renders without a script error, in both themes and at phone width', async () => {
    for (const [path, name] of [
      ['/hosts', 'hosts'],
      ['/anomalies', 'anomalies'],
      ['/storage', 'storage'],
    ]) {
      await page.goto(`${sonde.url}${path}`);
      await page.locator('main h1').waitFor();
      await page.waitForTimeout(2500);
      await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    }
    await page.goto(`${sonde.url}/`);
    await page.getByRole('button', { name: /Switch to light theme/ }).click();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
    await page.waitForTimeout(2500);
    await page.screenshot({ path: join(shots, 'overview-light.png'), fullPage: true });
    await page.getByRole('button', { name: /Switch to dark theme/ }).click();

    const phone = await browser.context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${sonde.url}/`);
    await phone.locator('figure.chart').first().waitFor({ timeout: 20_000 });
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the page is ${overflow}px wider than a phone screen`);
    await phone.getByRole('button', { name: 'Menu' }).click();
    await phone.getByRole('link', { name: 'Explore' }).waitFor();
    await phone.waitForTimeout(1500);
    await phone.screenshot({ path: join(shots, 'overview-phone.png') });
    await phone.close();
    assert.deepEqual(pageErrors, []);
  });

  it('is keyboard navigable with a visible focus ring', async () => {
    await page.goto(`${sonde.url}/`);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    // Tab to the navigation and follow a link with Enter.
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.textContent)) === 'Storage') break;
    }
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    assert.equal(outline, 'solid');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/storage$/);
  });
});
