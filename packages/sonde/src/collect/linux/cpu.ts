// node_exporter's `cpu` collector: per-CPU time by mode from /proc/stat, guest
// time, thermal throttle counts and isolated CPUs from sysfs.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Labels } from '../../storage/types.js';
import { family, LabelCache } from '../lib/family.js';
import { FileReader } from '../lib/reader.js';
import type { CollectedSample, Collector, MetricFamily } from '../types.js';
import { linuxCollector } from './base.js';
import { type HostPaths, proc, sys } from './paths.js';

/** USER_HZ: /proc/stat counts in 1/100 s on every Linux architecture. */
const USER_HZ = 100;
const MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;
const JUMP_BACK_SECONDS = 3;
const IDLE = 3;
const FIELDS = 10;

export function createCpuCollector(paths: HostPaths): Collector {
  const reader = new FileReader();
  const labels = new LabelCache();
  /** Last exposed value per CPU and field (user..guest_nice), kept monotonic like node_exporter. */
  let last: Float64Array[] = [];
  const cur = new Float64Array(FIELDS);
  const statPath = proc(paths, 'stat');
  let topology: { pkg: string; core: string; dir: string }[] | null = null;
  let isolated: string[] | null = null;

  function modeLabels(cpu: string, mode: string): Labels {
    return labels.get(`${cpu}\u0000${mode}`, () => ({ cpu, mode }));
  }

  function readTopology(): { pkg: string; core: string; dir: string }[] {
    const base = sys(paths, 'devices/system/cpu');
    const out: { pkg: string; core: string; dir: string }[] = [];
    let names: string[];
    try {
      names = readdirSync(base).filter((n) => /^cpu\d+$/.test(n));
    } catch {
      return out;
    }
    for (const n of names) {
      const dir = join(base, n);
      if (!existsSync(join(dir, 'thermal_throttle'))) continue;
      const pkg = reader.num(join(dir, 'topology/physical_package_id'));
      const core = reader.num(join(dir, 'topology/core_id'));
      if (Number.isNaN(pkg) || Number.isNaN(core)) continue;
      out.push({ pkg: String(pkg), core: String(core), dir });
    }
    return out;
  }

  function readIsolated(): string[] {
    const text = reader.tryText(sys(paths, 'devices/system/cpu/isolated'));
    const out: string[] = [];
    if (!text) return out;
    for (const part of text.split(',')) {
      const [a, b] = part.split('-').map(Number);
      if (Number.isNaN(a)) continue;
      for (let i = a; i <= (Number.isNaN(b) || b === undefined ? a : b); i++) out.push(String(i));
    }
    return out;
  }

  function collect(): MetricFamily[] {
    const seconds: CollectedSample[] = [];
    const guest: CollectedSample[] = [];
    const s = reader.scan(statPath);
    let idx = 0;
    while (s.nextLine()) {
      if (!s.lineStartsWith('cpu')) {
        if (idx > 0) break;
        continue;
      }
      s.field();
      if (s.e - s.s === 3) continue; // the "cpu" total line
      const cpu = s.buf.toString('latin1', s.s + 3, s.e);
      for (let i = 0; i < FIELDS; i++) cur[i] = (s.field() ? s.num() : 0) / USER_HZ;
      if (last.length <= idx) last.push(new Float64Array(FIELDS));
      const prev = last[idx];
      // A jump back of idle means hotplug: start this CPU afresh.
      if (prev[IDLE] - cur[IDLE] >= JUMP_BACK_SECONDS) prev.fill(0);
      for (let i = 0; i < FIELDS; i++) if (cur[i] >= prev[i]) prev[i] = cur[i];
      for (let m = 0; m < MODES.length; m++)
        seconds.push({ labels: modeLabels(cpu, MODES[m]), value: prev[m] });
      guest.push({ labels: modeLabels(cpu, 'user'), value: prev[8] });
      guest.push({ labels: modeLabels(cpu, 'nice'), value: prev[9] });
      idx++;
    }
    if (last.length !== idx) last = last.slice(0, idx);
    const out: MetricFamily[] = [
      family('node_cpu_seconds_total', 'Seconds the CPUs spent in each mode.', 'counter', seconds),
      family(
        'node_cpu_guest_seconds_total',
        'Seconds the CPUs spent in guests (VMs) for each mode.',
        'counter',
        guest,
      ),
    ];

    if (isolated === null) isolated = readIsolated();
    if (isolated.length > 0) {
      out.push(
        family(
          'node_cpu_isolated',
          'Whether each core is isolated, information from /sys/devices/system/cpu/isolated.',
          'gauge',
          isolated.map((cpu) => ({ labels: labels.one('cpu', cpu), value: 1 })),
        ),
      );
    }

    if (topology === null) topology = readTopology();
    if (topology.length > 0) {
      const pkgSeen = new Map<string, number>();
      const coreSeen = new Map<string, number>();
      const pkgSamples: CollectedSample[] = [];
      const coreSamples: CollectedSample[] = [];
      for (const t of topology) {
        const ck = `${t.pkg}\u0000${t.core}`;
        if (!coreSeen.has(ck)) {
          const v = reader.num(join(t.dir, 'thermal_throttle/core_throttle_count'));
          if (!Number.isNaN(v)) {
            coreSeen.set(ck, v);
            coreSamples.push({
              labels: labels.get(`c${ck}`, () => ({ package: t.pkg, core: t.core })),
              value: v,
            });
          }
        }
        if (!pkgSeen.has(t.pkg)) {
          const v = reader.num(join(t.dir, 'thermal_throttle/package_throttle_count'));
          if (!Number.isNaN(v)) {
            pkgSeen.set(t.pkg, v);
            pkgSamples.push({ labels: labels.get(`p${t.pkg}`, () => ({ package: t.pkg })), value: v });
          }
        }
      }
      if (pkgSamples.length > 0)
        out.push(
          family(
            'node_cpu_package_throttles_total',
            'Number of times this CPU package has been throttled.',
            'counter',
            pkgSamples,
          ),
        );
      if (coreSamples.length > 0)
        out.push(
          family(
            'node_cpu_core_throttles_total',
            'Number of times this CPU core has been throttled.',
            'counter',
            coreSamples,
          ),
        );
    }
    return out;
  }

  return linuxCollector('cpu', [statPath], collect);
}
