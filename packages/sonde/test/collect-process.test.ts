// The process collector on this machine's real /proc: sonde's own process
// under prom-client's names, and watched groups (by PID, pattern, cgroup)
// under process-exporter's names, with counters kept across process exits.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createProcessCollector } from '../src/collect/process/process.js';
import { collectOnce, fam, value } from './collect-helpers.js';

const children: ChildProcess[] = [];
after(() => {
  for (const c of children) c.kill('SIGKILL');
});

/** A child node process that burns a little CPU then idles, tagged by its argv. */
function spawnTagged(tag: string): ChildProcess {
  const c = spawn(
    process.execPath,
    ['-e', 'const t=Date.now();while(Date.now()-t<150){};setInterval(()=>{},1000)', tag],
    { stdio: 'ignore' },
  );
  children.push(c);
  return c;
}

describe('process collector', () => {
  it("sonde's own process under prom-client's names", async () => {
    const f = await collectOnce(createProcessCollector());
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_cpu_system_seconds_total',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'process_virtual_memory_bytes',
      'process_heap_bytes',
      'process_open_fds',
      'process_max_fds',
      'process_start_time_seconds',
    ]) {
      assert.ok(
        f.some((x) => x.name === name),
        name,
      );
    }
    assert.ok(value(f, 'process_resident_memory_bytes') > 1e6);
    assert.ok(value(f, 'process_open_fds') > 2);
    const total = value(f, 'process_cpu_seconds_total');
    assert.ok(
      Math.abs(
        total - value(f, 'process_cpu_user_seconds_total') - value(f, 'process_cpu_system_seconds_total'),
      ) < 1e-9,
    );
  });

  it('groups by pid and by pattern, namedprocess_namegroup_* with groupname', async () => {
    const tag = `sonde-test-tag-${process.pid}`;
    const a = spawnTagged(tag);
    const b = spawnTagged(tag);
    await new Promise((r) => setTimeout(r, 400));
    const c = createProcessCollector({
      self: false,
      groups: [{ name: 'tagged', pattern: tag }, { pid: a.pid! }],
    });
    const f = await collectOnce(c);
    assert.equal(value(f, 'namedprocess_namegroup_num_procs', { groupname: 'tagged' }), 2);
    assert.equal(value(f, 'namedprocess_namegroup_num_procs', { groupname: `pid:${a.pid}` }), 1);
    const cpu = value(f, 'namedprocess_namegroup_cpu_seconds_total', { groupname: 'tagged', mode: 'user' });
    assert.ok(cpu > 0, `cpu ${cpu}`);
    assert.ok(
      value(f, 'namedprocess_namegroup_memory_bytes', { groupname: 'tagged', memtype: 'resident' }) > 1e6,
    );
    assert.ok(value(f, 'namedprocess_namegroup_num_threads', { groupname: 'tagged' }) >= 2);
    assert.ok(value(f, 'namedprocess_namegroup_open_filedesc', { groupname: 'tagged' }) >= 2);
    const start = value(f, 'namedprocess_namegroup_oldest_start_time_seconds', { groupname: 'tagged' });
    assert.ok(Math.abs(start - Date.now() / 1000) < 120, `start ${start}`);

    // One process exits: the group's CPU counter does not go down.
    b.kill('SIGKILL');
    await new Promise((r) => b.once('exit', r));
    const g = await collectOnce(c);
    assert.equal(value(g, 'namedprocess_namegroup_num_procs', { groupname: 'tagged' }), 1);
    assert.ok(
      value(g, 'namedprocess_namegroup_cpu_seconds_total', { groupname: 'tagged', mode: 'user' }) >= cpu,
    );
  });

  it('groups by cgroup read the cgroup.procs files of the cgroup and its children', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sonde-cgroup-'));
    try {
      const cg = join(dir, 'fs/cgroup/system.slice/app.service');
      mkdirSync(join(cg, 'child'), { recursive: true });
      writeFileSync(join(cg, 'cgroup.procs'), `${process.pid}\n`);
      writeFileSync(join(cg, 'child/cgroup.procs'), '');
      const f = await collectOnce(
        createProcessCollector({
          self: false,
          sysfs: dir,
          groups: [{ name: 'app', cgroup: '/system.slice/app.service' }],
        }),
      );
      assert.equal(value(f, 'namedprocess_namegroup_num_procs', { groupname: 'app' }), 1);
      assert.equal(fam(f, 'namedprocess_namegroup_cpu_seconds_total').samples.length, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a watched PID that does not exist gives an empty group, not an error', async () => {
    const f = await collectOnce(
      createProcessCollector({ self: false, groups: [{ name: 'gone', pid: 2 ** 22 + 7 }] }),
    );
    assert.equal(value(f, 'namedprocess_namegroup_num_procs', { groupname: 'gone' }), 0);
  });
});
