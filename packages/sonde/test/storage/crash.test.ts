// Every acknowledged write survives kill -9: a child process ingests and
// acknowledges batches over stdout; it is killed with SIGKILL at random
// moments, again and again; after every kill the store must open cleanly and
// hold every acknowledged sample.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStorage } from '../../src/storage/db.js';

const child = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const SERIES = 200;
const ROUNDS = Number(process.env.SONDE_CRASH_ROUNDS ?? 5);

let dir = '';
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs the child until it has acknowledged some batches plus a random extra moment; returns the last ack. */
function ingestThenKill(from: number, waitMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      ['--conditions=sonde-src', '--import', 'tsx', child, dir, String(from)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let last = from - 1;
    let buf = '';
    let err = '';
    let timer: NodeJS.Timeout | null = null;
    p.stdout.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) if (l.startsWith('ack ')) last = Number(l.slice(4));
      // start the random countdown once ingest is going
      timer ??= setTimeout(() => p.kill('SIGKILL'), waitMs);
    });
    p.stderr.on('data', (c: Buffer) => void (err += c.toString()));
    p.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`child exited with ${code}: ${err}`));
      else resolve(last);
    });
  });
}

describe('crash safety', () => {
  it('keeps every acknowledged sample through repeated SIGKILLs during heavy ingest', async (t) => {
    dir = await mkdtemp(join(tmpdir(), 'sonde-crash-'));
    let next = 1;
    let acked = 0;
    let blocks = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const last = await ingestThenKill(next, 150 + Math.floor(Math.random() * 600));
      acked = Math.max(acked, last);
      const db = await openStorage({ dir, maintenanceIntervalMs: 0, outOfOrderWindowMs: 1000, now: () => 0 });
      assert.equal(db.faults.corruptBlocks, 0, 'no block is damaged');
      assert.equal(db.faults.corruptChunks, 0);
      const q = db.querier();
      const got = [...q.select([{ type: '=', name: '__name__', value: 'crash_test' }], 0, acked * 1000)];
      q.close();
      assert.equal(got.length, SERIES, `round ${round}: every series is there`);
      for (const s of got) {
        const k = Number(s.labels.s);
        assert.equal(
          s.t.length,
          acked,
          `round ${round}, series ${k}: ${s.t.length} of ${acked} acknowledged samples`,
        );
        for (let i = 0; i < acked; i++) {
          assert.equal(s.t[i], (i + 1) * 1000);
          assert.equal(s.v[i], (i + 1) * 0.01 + k);
        }
      }
      blocks = db.stats().tiers[0].samples;
      await db.close();
      next = acked + 1;
    }
    assert.ok(acked > ROUNDS, `ingest made progress (${acked} batches acknowledged)`);
    t.diagnostic(
      `${acked} batches of ${SERIES} samples acknowledged and found after ${ROUNDS} kills; ${blocks} samples in raw blocks`,
    );
  });
});
