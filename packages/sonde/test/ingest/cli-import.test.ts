import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { Command } from 'commander';
import { openEmbeddedStore, registerImport, runImport } from '../../src/cli/commands/import.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import { selectAll } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'sonde-import-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function capture(isTTY = false) {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  stream.isTTY = isTTY;
  stream.columns = 100;
  let text = '';
  stream.on('data', (d) => (text += d));
  return { stream, text: () => text };
}

describe('sonde import', () => {
  it('imports files of every format into the opened store and prints a summary', async () => {
    const storage = new MemoryStorage();
    const opened: string[] = [];
    const out = capture();
    const err = capture(true);
    const code = await runImport({
      files: [
        file('a.om', '# TYPE a gauge\na 1 1\na 2 2\n# EOF\n'),
        file('b.prom', 'b{x="y"} 1 1000\n'),
        file('c.jsonl', '{"labels":{"__name__":"c"},"t":5,"v":5}\n'),
        file('d.csv', 'timestamp,metric,value,host\n7,d,7,h1\n'),
      ],
      dataDir: '/some/dir',
      opener: async (d) => {
        opened.push(d);
        return storage;
      },
      stdout: out.stream,
      stderr: err.stream,
    });
    assert.equal(code, 0);
    assert.deepEqual(opened, ['/some/dir']);
    assert.deepEqual([...selectAll(storage, 'a')[0].t], [1000, 2000]);
    assert.equal(selectAll(storage, 'b')[0].labels.x, 'y');
    assert.equal(selectAll(storage, 'c')[0].v[0], 5);
    assert.equal(selectAll(storage, 'd')[0].labels.host, 'h1');
    assert.match(
      out.text(),
      /a\.om \(openmetrics\): 1 series, 2 samples, 1970-01-01T00:00:01\.000Z \.\. 1970-01-01T00:00:02\.000Z/,
    );
    assert.match(out.text(), /d\.csv \(csv\): 1 series, 1 samples/);
    assert.match(err.text(), /\[#+\] 100% 2 samples/);
  });

  it('lists rejected lines with numbers and reasons and exits 1', async () => {
    const out = capture();
    const code = await runImport({
      files: [file('bad.prom', 'ok 1 1\nbad{ 1 1\nnots 1\n')],
      dataDir: 'x',
      format: 'prometheus',
      opener: async () => new MemoryStorage(),
      stdout: out.stream,
      stderr: capture().stream,
    });
    assert.equal(code, 1);
    assert.match(
      out.text(),
      /rejected 2 line\(s\):\n {4}line 2: unterminated|rejected 2 line\(s\):\n {4}line 2: missing "}"/,
    );
    assert.match(out.text(), /line 3: sample has no timestamp/);
  });

  it('imports into the embedded store, which has the data when reopened', async () => {
    const dataDir = join(dir, 'embedded');
    const now = Date.now() - 60_000;
    const text = `# TYPE temp gauge\ntemp{room="a"} 20.5 ${now / 1000}\ntemp{room="a"} 21 ${(now + 15_000) / 1000}\n# EOF\n`;
    const out = capture();
    const code = await runImport({
      files: [file('embedded.om', text)],
      dataDir,
      opener: openEmbeddedStore,
      stdout: out.stream,
      stderr: capture().stream,
    });
    assert.equal(code, 0, out.text());
    const storage = await openEmbeddedStore(dataDir);
    try {
      const [s] = selectAll(storage, 'temp');
      assert.deepEqual([...s.t], [now, now + 15_000]);
      assert.deepEqual([...s.v], [20.5, 21]);
      assert.equal(storage.metadata('temp').get('temp')?.type, 'gauge');
    } finally {
      await storage.close();
    }
  });

  it('prints JSON with --json', async () => {
    const out = capture();
    await runImport({
      files: [file('j.prom', 'j 1 1\n')],
      dataDir: 'x',
      json: true,
      opener: async () => new MemoryStorage(),
      stdout: out.stream,
      stderr: capture().stream,
    });
    const [r] = JSON.parse(out.text());
    assert.equal(r.format, 'prometheus');
    assert.equal(r.summary.samples, 1);
  });

  it('registers as a commander command that passes files and flags through', async () => {
    const storage = new MemoryStorage();
    const program = new Command().exitOverride();
    let dataDir = '';
    const out = capture();
    registerImport(
      program,
      async (d) => {
        dataDir = d;
        return storage;
      },
      { stdout: out.stream, stderr: capture().stream },
    );
    const csv = file('e.csv', 'timestamp,metric,value\n1,e,1\n');
    await program.parseAsync(['import', '--data-dir', join(dir, 'store'), '--format', 'csv', csv], {
      from: 'user',
    });
    assert.equal(dataDir, join(dir, 'store'));
    assert.match(out.text(), /e\.csv \(csv\): 1 series, 1 samples/);
    assert.equal(selectAll(storage, 'e').length, 1);
    process.exitCode = 0;
  });
});
