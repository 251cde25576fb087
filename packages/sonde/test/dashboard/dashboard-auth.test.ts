// The dashboard when sonde requires a token (exposed, or `auth.required_on_loopback`):
// in Chromium, opening the page leads to the sign-in form; after signing in
// with a token the session cookie carries every request, the live stream
// (EventSource, which cannot send an Authorization header) included, so the
// Overview's charts gain points. A request without the cookie is refused.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { TokenStore } from '../../src/api/auth/index.js';
import { type SondeProcess, startSondeProcess } from '../support/sonde-process.js';
import { type Browser, launchBrowser } from './browser.js';
import { ensureDashboardBuilt } from './build.js';

describe('dashboard behind sign-in, in Chromium against a real sonde', { timeout: 120_000 }, () => {
  let sonde: SondeProcess;
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  let token: string;
  const pageErrors: string[] = [];

  before(async () => {
    ensureDashboardBuilt();
    dataDir = await mkdtemp(join(tmpdir(), 'sonde-dash-auth-'));
    token = (await (await TokenStore.open(dataDir)).create('read', 'browser test')).token;
    const config = join(dataDir, 'sonde.yaml');
    await writeFile(config, 'auth:\n  required_on_loopback: true\n');
    sonde = await startSondeProcess(['--data-dir', dataDir, '--config', config]);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  after(async () => {
    await browser?.close();
    await sonde?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses the API and the live stream without a token or session', async () => {
    const api = await fetch(`${sonde.url}/api/v1/labels`);
    assert.equal(api.status, 401);
    const live = await fetch(`${sonde.url}/api/sonde/v1/live?query=up`, {
      headers: { accept: 'text/event-stream' },
    });
    assert.equal(live.status, 401);
    await live.body?.cancel();
  });

  it('sends the browser to sign in, then the Overview streams live points', async () => {
    await page.goto(`${sonde.url}/`);
    await page.waitForURL(/\/login$/);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${sonde.url}/`);

    const cookies = await browser.context.cookies(sonde.url);
    const session = cookies.find((c) => c.name === 'sonde_session');
    assert.ok(session, 'the sign-in set the session cookie');
    assert.equal(session.httpOnly, true);

    // Watch the live stream's requests: it must be answered 200, not 401.
    const liveStatuses: number[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/api/sonde/v1/live')) liveStatuses.push(r.status());
    });
    await page.reload();
    const cpu = '[data-testid=vitals] figure.chart[aria-label="CPU"]';
    await page.locator(cpu).waitFor({ timeout: 20_000 });
    await page.waitForFunction(
      (sel) => Number(document.querySelector(sel)?.getAttribute('data-points')) > 0,
      cpu,
      { timeout: 20_000 },
    );
    const first = Number(await page.locator(cpu).getAttribute('data-points'));
    await page.waitForFunction(
      ([sel, n]) =>
        Number(document.querySelector(sel as string)?.getAttribute('data-points')) > (n as number),
      [cpu, first] as const,
      { timeout: 5000 },
    );
    // Points came over the stream itself, not the polling fallback.
    await page.getByRole('status').filter({ hasText: /^Live/ }).first().waitFor({ timeout: 5000 });
    assert.ok(liveStatuses.length > 0, 'the page opened a live stream');
    assert.ok(
      liveStatuses.every((s) => s === 200),
      `live stream answers: ${liveStatuses.join(', ')}`,
    );
    assert.deepEqual(pageErrors, []);
  });

  it('when the session ends while a page is open, the next API call leads to the sign-in form', async () => {
    await page.evaluate(() => fetch('/api/sonde/v1/session', { method: 'DELETE' }));
    // A client-side navigation: the page itself is not reloaded, only its API calls fail. The live
    // stream's own next request may get the 401 first and lead to sign-in before the click lands.
    if (!/\/login$/.test(page.url())) {
      await page
        .getByRole('link', { name: 'Storage' })
        .first()
        .click({ timeout: 5000 })
        .catch(() => {}); // already on the sign-in form
    }
    await page.waitForURL(/\/login$/, { timeout: 10_000 });
    await page.goto(`${sonde.url}/explore`);
    await page.waitForURL(/\/login$/);
  });
});
