// The Linux host collectors on recorded /proc and /sys: a 2-CPU VM with no
// swap, and a hand-made 64-CPU server with swap, device-mapper and NVMe disks,
// odd mounts and no pressure stall information.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCpuCollector } from '../src/collect/linux/cpu.js';
import { createDiskstatsCollector } from '../src/collect/linux/diskstats.js';
import { createFilesystemCollector, parseMounts } from '../src/collect/linux/filesystem.js';
import { createLinuxCollector, LINUX_COLLECTORS } from '../src/collect/linux/index.js';
import { createMeminfoCollector, meminfoMetricName } from '../src/collect/linux/meminfo.js';
import { createNetdevCollector } from '../src/collect/linux/netdev.js';
import { createNetstatCollector } from '../src/collect/linux/netstat.js';
import { createPressureCollector } from '../src/collect/linux/pressure.js';
import { createSchedstatCollector } from '../src/collect/linux/schedstat.js';
import { createSoftnetCollector } from '../src/collect/linux/softnet.js';
import { createStatCollector } from '../src/collect/linux/stat.js';
import { parseNum } from '../src/collect/lib/scan.js';
import { collectOnce, fam, fixturePaths, signalAfter, value } from './collect-helpers.js';

const vm = fixturePaths('linux-vm');
const server = fixturePaths('linux-server');

describe('number parsing', () => {
  it('parses integers, decimals and signs exactly', () => {
    const b = Buffer.from('12345 0.07 -3.5 9007199254740993 1e3 abc');
    assert.equal(parseNum(b, 0, 5), 12345);
    assert.equal(parseNum(b, 6, 10), 0.07);
    assert.equal(parseNum(b, 11, 15), -3.5);
    assert.equal(parseNum(b, 16, 32), Number('9007199254740993'));
    assert.equal(parseNum(b, 33, 36), 1000);
    assert.ok(Number.isNaN(parseNum(b, 37, 40)));
  });
});

describe('linux collectors on the VM fixture', () => {
  it('every collector that has its files collects without error', async () => {
    for (const name of LINUX_COLLECTORS) {
      const c = createLinuxCollector(name, vm, { filesystem: { statfs: async () => statfsStub } });
      if ((await c.unavailableReason()) !== null) continue;
      const f = await collectOnce(c);
      assert.ok(f.length > 0, `${name} returned nothing`);
      for (const x of f) for (const s of x.samples) assert.equal(typeof s.value, 'number', `${x.name}`);
    }
  });

  it('cpu: seconds per cpu and mode, guest split out', async () => {
    const f = await collectOnce(createCpuCollector(vm));
    const cpu = fam(f, 'node_cpu_seconds_total');
    assert.equal(cpu.samples.length, 2 * 8);
    assert.deepEqual(
      new Set(cpu.samples.map((s) => s.labels.mode)),
      new Set(['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal']),
    );
    assert.equal(fam(f, 'node_cpu_guest_seconds_total').samples.length, 4);
    assert.equal(cpu.type, 'counter');
  });

  it('meminfo: kB in bytes, parenthesised names, no swap', async () => {
    const f = await collectOnce(createMeminfoCollector(vm));
    assert.ok(value(f, 'node_memory_MemTotal_bytes') > 1e9);
    assert.equal(value(f, 'node_memory_SwapTotal_bytes'), 0);
    assert.ok(f.some((x) => x.name === 'node_memory_Active_anon_bytes'));
    assert.equal(meminfoMetricName('HugePages_Total:', false), 'node_memory_HugePages_Total');
    assert.equal(meminfoMetricName('Active(file):', true), 'node_memory_Active_file_bytes');
  });

  it('netdev: every interface of /proc/net/dev, nohandler from sysfs', async () => {
    const f = await collectOnce(createNetdevCollector(vm));
    const devices = fam(f, 'node_network_receive_bytes_total').samples.map((s) => s.labels.device);
    assert.ok(devices.includes('lo') && devices.includes('eth0'));
    assert.equal(fam(f, 'node_network_receive_nohandler_total').samples.length, devices.length);
    const excl = await collectOnce(createNetdevCollector(vm, { deviceExclude: '^lo$' }));
    assert.ok(!fam(excl, 'node_network_receive_bytes_total').samples.some((s) => s.labels.device === 'lo'));
  });

  it('netstat: only the default fields, untyped', async () => {
    const f = await collectOnce(createNetstatCollector(vm));
    assert.ok(f.some((x) => x.name === 'node_netstat_Tcp_CurrEstab'));
    assert.ok(f.some((x) => x.name === 'node_netstat_Ip6_InOctets'));
    assert.ok(!f.some((x) => x.name === 'node_netstat_Tcp_RtoMin'));
    assert.ok(f.every((x) => x.type === 'unknown'));
  });

  it('pressure: seconds from microsecond totals', async () => {
    const f = await collectOnce(createPressureCollector(vm));
    assert.equal(f.length, 5);
    assert.ok(value(f, 'node_pressure_cpu_waiting_seconds_total') > 0);
  });
});

const statfsStub = { bsize: 4096, blocks: 1000, bfree: 600, bavail: 500, files: 100, ffree: 90 };

describe('linux collectors on the 64-CPU server fixture', () => {
  it('cpu and stat: 64 CPUs, boot time', async () => {
    const f = await collectOnce(createCpuCollector(server));
    assert.equal(new Set(fam(f, 'node_cpu_seconds_total').samples.map((s) => s.labels.cpu)).size, 64);
    const st = await collectOnce(createStatCollector(server));
    assert.equal(value(st, 'node_boot_time_seconds'), 1700000000);
    assert.equal(value(st, 'node_context_switches_total'), 123456789012);
    assert.equal(value(st, 'node_procs_blocked'), 3);
  });

  it('cpu counters never go backwards within a small jump', async () => {
    const c = createCpuCollector(server);
    const a = value(await collectOnce(c), 'node_cpu_seconds_total', { cpu: '0', mode: 'user' });
    const b = value(await collectOnce(c), 'node_cpu_seconds_total', { cpu: '0', mode: 'user' });
    assert.equal(a, b);
  });

  it('pressure is off without PSI', async () => {
    const reason = await createPressureCollector(server).unavailableReason();
    assert.match(reason ?? '', /pressure.*not found/);
  });

  it('diskstats: partitions and loop skipped, dm/nvme/md kept, udev details', async () => {
    const f = await collectOnce(createDiskstatsCollector(server));
    const devs = fam(f, 'node_disk_reads_completed_total').samples.map((s) => s.labels.device);
    assert.deepEqual(devs, ['sda', 'nvme0n1', 'dm-0', 'dm-1', 'md0']);
    assert.equal(value(f, 'node_disk_read_bytes_total', { device: 'sda' }), 105286130 * 512);
    assert.equal(value(f, 'node_disk_read_time_seconds_total', { device: 'sda' }), 1046.227);
    assert.equal(value(f, 'node_disk_flush_requests_total', { device: 'nvme0n1' }), 5642315);
    // An 11-stat line (older kernel) has no discard or flush fields.
    assert.equal(
      fam(f, 'node_disk_discards_completed_total').samples.some((s) => s.labels.device === 'md0'),
      false,
    );
    const dm = fam(f, 'node_disk_device_mapper_info').samples[0].labels;
    assert.deepEqual(
      { ...dm },
      { device: 'dm-0', name: 'vg0-root', uuid: dm.uuid, vg_name: 'vg0', lv_name: 'root', lv_layer: '' },
    );
    assert.equal(fam(f, 'node_disk_filesystem_info').samples[0].labels.type, 'xfs');
    assert.equal(value(f, 'node_disk_ata_rotation_rate_rpm', { device: 'sda' }), 7200);
    const info = fam(f, 'node_disk_info').samples.find((s) => s.labels.device === 'sda')!.labels;
    assert.equal(info.serial, 'ZC1A2B3C');
    assert.equal(info.model, 'ST4000NM0035-1V4107');
  });

  it('filesystem: pseudo filesystems and system mounts skipped, escapes undone, duplicates once', async () => {
    const seen: string[] = [];
    const c = createFilesystemCollector(
      { ...server, rootfs: '/' },
      {
        statfs: async (p) => {
          seen.push(p);
          if (p === '/mnt/nfs') return new Promise(() => {}); // a hung network mount
          return statfsStub;
        },
      },
    );
    const f = await c.collect(signalAfter(200));
    const mounts = fam(f, 'node_filesystem_device_error').samples.map((s) => s.labels.mountpoint);
    assert.deepEqual(mounts, ['/run', '/', '/srv/data store', '/backup', '/mnt/nfs', '/run/user/1000']);
    assert.equal(value(f, 'node_filesystem_device_error', { mountpoint: '/mnt/nfs' }), 1);
    assert.equal(value(f, 'node_filesystem_readonly', { mountpoint: '/backup' }), 1);
    assert.equal(value(f, 'node_filesystem_size_bytes', { mountpoint: '/' }), 4096 * 1000);
    assert.equal(value(f, 'node_filesystem_avail_bytes', { mountpoint: '/' }), 4096 * 500);
    // The hung mount is not statfs'd again while its call is outstanding.
    const before = seen.filter((p) => p === '/mnt/nfs').length;
    await c.collect(signalAfter(50));
    assert.equal(seen.filter((p) => p === '/mnt/nfs').length, before);
  });

  it('filesystem: mount points under a host rootfs are stripped and statfs goes through it', async () => {
    const calls: string[] = [];
    const c = createFilesystemCollector(
      { ...server, rootfs: '/host' },
      {
        statfs: async (p) => {
          calls.push(p);
          return statfsStub;
        },
      },
    );
    await c.collect(signalAfter(1000));
    assert.ok(calls.includes('/host/'));
    assert.deepEqual(parseMounts('/dev/sda1 /host/data ext4 rw 0 0\n')[0].mountPoint, '/host/data');
  });

  it('schedstat and softnet: per-CPU series', async () => {
    const s = await collectOnce(createSchedstatCollector(server));
    assert.equal(fam(s, 'node_schedstat_running_seconds_total').samples.length, 64);
    assert.equal(value(s, 'node_schedstat_running_seconds_total', { cpu: '3' }), 123.456789003);
    assert.equal(value(s, 'node_schedstat_timeslices_total', { cpu: '3' }), 5000003);
    const n = await collectOnce(createSoftnetCollector(server));
    assert.equal(value(n, 'node_softnet_processed_total', { cpu: '10' }), 10000);
    assert.equal(value(n, 'node_softnet_times_squeezed_total', { cpu: '10' }), 20);
  });

  it('meminfo with swap and huge pages', async () => {
    const f = await collectOnce(createMeminfoCollector(server));
    assert.equal(value(f, 'node_memory_SwapTotal_bytes'), 8388604 * 1024);
    assert.equal(value(f, 'node_memory_HugePages_Total'), 512);
    assert.equal(value(f, 'node_memory_Hugepagesize_bytes'), 2048 * 1024);
  });
});
