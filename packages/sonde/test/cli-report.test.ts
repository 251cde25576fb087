// `sonde report` against a real server with live collection; the HTML is
// opened in headless Chromium, checked and screenshotted.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { launchBrowser } from './dashboard/browser.js';
import { runCli } from './support/run-cli.js';
import { type SondeProcess, startSondeProcess, waitFor } from './support/sonde-process.js';

let dir = '';
let sonde: SondeProcess;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sonde-report-'));
  sonde = await startSondeProcess(['--data-dir', join(dir, 'data')]);
  await waitFor('a few seconds of data', async () => {
    const r = (await (
      await fetch(`${sonde.url}/api/v1/query?query=count_over_time(node_load1[1m])`)
    ).json()) as {
      data: { result: { value: [number, string] }[] };
    };
    return Number(r.data.result[0]?.value[1] ?? 0) >= 4 ? true : undefined;
  });
});
after(async () => {
  await sonde.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('sonde report', () => {
  it('writes a self-contained HTML report that renders in Chromium with its charts', async () => {
    const file = join(dir, 'report.html');
    const r = await runCli([
      'report',
      '--server',
      sonde.url,
      '--from',
      '-2m',
      '--format',
      'html',
      '-o',
      file,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const html = await readFile(file, 'utf8');
    assert.doesNotMatch(html, /<script|https?:\/\/(?!127\.0\.0\.1)/, 'no scripts, no network');
    const browser = await launchBrowser({ width: 1200, height: 1600, colorScheme: 'light' });
    try {
      const page = await browser.context.newPage();
      const requests: string[] = [];
      page.on('request', (req) => requests.push(req.url()));
      await page.goto(pathToFileURL(file).href);
      assert.equal(await page.locator('h1').textContent(), (await page.title()) ?? '');
      const charts = page.locator('figure.chart svg');
      assert.ok((await charts.count()) >= 4, 'host charts are drawn');
      const cpu = page.locator('figure.chart', { hasText: 'CPU busy' }).locator('path');
      assert.ok((await cpu.count()) >= 1, 'the CPU chart has a line');
      assert.match((await page.locator('.grade').textContent()) ?? '', /[A-F]|no grade/);
      assert.deepEqual(
        requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:')),
        [],
      );
      // The tree's docs are written only when asked (SONDE_SCREENSHOTS=docs/screenshots).
      const shots = process.env.SONDE_SCREENSHOTS ?? 'test-artifacts/report';
      await mkdir(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'report.png'), fullPage: false });
    } finally {
      await browser.close();
    }
  });

  it('writes Markdown, JSON and CSV too', async () => {
    for (const format of ['md', 'json', 'csv']) {
      const file = join(dir, `report.${format}`);
      const r = await runCli([
        'report',
        '--server',
        sonde.url,
        '--from',
        '-2m',
        '--format',
        format,
        '-o',
        file,
      ]);
      assert.equal(r.code, 0, r.stderr);
      const text = await readFile(file, 'utf8');
      if (format === 'md') assert.match(text, /^# sonde report/m);
      if (format === 'md') assert.match(text, /\*\*CPU busy\*\*: busy min /);
      if (format === 'json') assert.ok((JSON.parse(text) as { charts: unknown[] }).charts.length >= 5);
      if (format === 'csv') assert.match(text, /^chart,series,timestamp,value\n"CPU busy",busy,\d+,/);
    }
  });

  it('says clearly when the server cannot be reached', async () => {
    const r = await runCli(['report', '--server', 'http://127.0.0.1:1', '-o', join(dir, 'x.html')]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /cannot reach http:\/\/127\.0\.0\.1:1/);
  });
});
