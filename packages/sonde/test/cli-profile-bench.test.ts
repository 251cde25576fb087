// `sonde profile` and `sonde bench`, run as the real binary.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from './support/run-cli.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sonde-cli-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sonde profile', () => {
  it('puts the known hot function at the top and writes a flame graph and a .cpuprofile', async () => {
    const app = join(dir, 'app.mjs');
    await writeFile(
      app,
      [
        'function hotSpot(n) { let x = 0; for (let i = 0; i < n; i++) x += Math.sqrt(i) * Math.sin(i); return x; }',
        'function coolSpot() { return [1, 2, 3].join(","); }',
        'const until = Date.now() + 400; let acc = 0;',
        'while (Date.now() < until) { acc += hotSpot(200000); coolSpot(); }',
        'console.log("done", acc > 0);',
      ].join('\n'),
    );
    const out = join(dir, 'profile-out');
    const r = await runCli(['profile', '-o', out, '--json', '--', process.execPath, app]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as {
      hottest: { name: string; location: string; selfMs: number }[];
      bottleneck: { kind: string; summary: string };
      files: { cpuprofile: string; flamegraph: string };
    };
    assert.equal(report.hottest[0].name, 'hotSpot');
    assert.match(report.hottest[0].location, /app\.mjs:1$/);
    // On a busy machine other processes may take the CPU: then the verdict is host-cpu, still naming hotSpot.
    assert.ok(['cpu', 'host-cpu'].includes(report.bottleneck.kind), report.bottleneck.kind);
    assert.match(report.bottleneck.summary, /hotSpot/);
    const profile = JSON.parse(await readFile(report.files.cpuprofile, 'utf8')) as {
      nodes: unknown[];
      samples: number[];
    };
    assert.ok(profile.nodes.length > 10 && profile.samples.length > 100);
    const html = await readFile(report.files.flamegraph, 'utf8');
    assert.match(html, /<svg[^>]+role="img"/);
    assert.match(html, /hotSpot/);
    assert.doesNotMatch(html, /<script/);
  });

  it('says clearly when the command is not a Node.js program', async () => {
    const r = await runCli(['profile', '-o', join(dir, 'x'), '--', 'true']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /no CPU profile was written/);
  });
});

describe('sonde bench', () => {
  it('records wall time, CPU time and peak memory of every run', async () => {
    const file = join(dir, 'bench.json');
    const busy =
      'let x=0; const b=Buffer.alloc(64*1024*1024,1); const t=Date.now()+150; while(Date.now()<t) x+=b[x%1000]; ';
    const r = await runCli([
      'bench',
      '-n',
      '3',
      '--warmup',
      '1',
      '-o',
      file,
      '--',
      process.execPath,
      '-e',
      busy,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /3 runs: median wall/);
    const result = JSON.parse(await readFile(file, 'utf8')) as {
      format: string;
      warmup: number;
      runs: { wallSeconds: number; cpuSeconds: number; peakRssBytes: number; exitCode: number }[];
    };
    assert.equal(result.format, 'sonde-bench/1');
    assert.equal(result.warmup, 1);
    assert.equal(result.runs.length, 3);
    for (const run of result.runs) {
      assert.ok(run.wallSeconds >= 0.15, `wall ${run.wallSeconds}`);
      assert.ok(run.cpuSeconds >= 0.1, `cpu ${run.cpuSeconds}`);
      assert.ok(run.peakRssBytes > 64 * 1024 * 1024, `peak ${run.peakRssBytes}`);
      assert.equal(run.exitCode, 0);
    }
  });

  it('fails with exit code 3 and writes nothing when the command fails', async () => {
    const file = join(dir, 'fail.json');
    const r = await runCli(['bench', '-n', '2', '-o', file, '--', process.execPath, '-e', 'process.exit(4)']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /exited with 4/);
    await assert.rejects(readFile(file));
  });

  it('rejects a bad --runs value as a usage error', async () => {
    const r = await runCli(['bench', '-n', 'zero', '-o', join(dir, 'x.json'), '--', 'true']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--runs must be an integer/);
  });
});

describe('sonde compare', () => {
  async function benchFile(name: string, walls: number[]): Promise<string> {
    const path = join(dir, name);
    const runs = walls.map((w) => ({ wallSeconds: w, cpuSeconds: w * 0.9, peakRssBytes: 50e6, exitCode: 0 }));
    await writeFile(
      path,
      JSON.stringify({
        format: 'sonde-bench/1',
        command: ['node', 'x.js'],
        startedAt: new Date().toISOString(),
        host: { hostname: 'h', platform: 'linux/x64', cpus: 2, node: 'v20' },
        warmup: 1,
        runs,
      }),
    );
    return path;
  }
  const around = (center: number, n: number) =>
    Array.from({ length: n }, (_, i) => center * (1 + ((i % 5) - 2) * 0.004));

  it('exits 1 on a clear regression and writes a Markdown summary', async () => {
    const base = await benchFile('base.json', around(1.0, 20));
    const slow = await benchFile('slow.json', around(1.3, 20));
    const r = await runCli(['compare', base, slow, '--markdown']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /\| wall time \| 1\.000 s \| 1\.300 s \| \+30\.0% \|/);
    assert.match(r.stdout, /regression/);
  });

  it('exits 0 when nothing changed beyond noise, or things improved', async () => {
    const base = await benchFile('base2.json', around(1.0, 20));
    const same = await benchFile('same.json', around(1.001, 20));
    const fast = await benchFile('fast.json', around(0.7, 20));
    const r1 = await runCli(['compare', base, same]);
    assert.equal(r1.code, 0, r1.stdout);
    assert.match(r1.stdout, /no significant change/);
    const r2 = await runCli(['compare', base, fast, '--json']);
    assert.equal(r2.code, 0);
    assert.equal(
      (JSON.parse(r2.stdout) as { comparison: { verdict: string } }[])[0].comparison.verdict,
      'improvement',
    );
  });

  it('names a file that is not a bench file, with exit code 3', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"format":"other"}');
    const r = await runCli(['compare', bad, bad]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /bad\.json is not a sonde bench file: format/);
  });

  it('asks for both windows with --query (usage error)', async () => {
    const r = await runCli(['compare', '--query', 'up', '--baseline', '-2h..-1h']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--baseline and --current/);
  });
});

describe('sonde profile --pid', () => {
  it('profiles a running Node.js process through its inspector and closes the inspector after', async () => {
    const app = join(dir, 'running.mjs');
    await writeFile(
      app,
      [
        'function spinHot() { let x = 0; for (let i = 0; i < 300000; i++) x += Math.sqrt(i); return x; }',
        'setInterval(() => { const end = Date.now() + 40; while (Date.now() < end) spinHot(); }, 50);',
        'console.log("ready");',
      ].join('\n'),
    );
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [app], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise((resolve) => child.stdout.once('data', resolve));
      const r = await runCli([
        'profile',
        '--pid',
        String(child.pid),
        '--duration',
        '1500ms',
        '-o',
        join(dir, 'pid-out'),
        '--json',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as { hottest: { name: string }[] };
      assert.equal(report.hottest[0].name, 'spinHot');
      await assert.rejects(fetch('http://127.0.0.1:9229/json/list'), 'the inspector is closed again');
      assert.equal(child.exitCode, null, 'the process keeps running');
    } finally {
      child.kill();
    }
  });

  it('refuses --pid together with a command, and a pid that does not exist', async () => {
    const both = await runCli(['profile', '--pid', '1', '--', 'node', 'x.js']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /either --pid or a command/);
    const none = await runCli(['profile', '--pid', '99999999', '--duration', '1s']);
    assert.equal(none.code, 3);
    assert.match(none.stderr, /no process with pid 99999999/);
  });
});
