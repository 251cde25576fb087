// Processes: sonde's own, under prom-client's names (process_*), and groups
// the user watches by PID, by pattern or by cgroup, under process-exporter's
// names (namedprocess_namegroup_*{groupname}). Group counters stay monotonic
// as processes come and go: what an exited process had counted is kept.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Labels } from '../../storage/types.js';
import { FamilySet, LabelCache, single } from '../lib/family.js';
import { FileReader } from '../lib/reader.js';
import { pageSize } from '../linux/page-size.js';
import type { Collector, MetricFamily } from '../types.js';
import { newProcStat, readProcIo, readProcStat } from './proc-stat.js';

export interface ProcessGroupConfig {
  readonly name?: string;
  readonly pid?: number;
  readonly pattern?: string;
  readonly cgroup?: string;
}

export interface ProcessCollectorOptions {
  readonly groups?: readonly ProcessGroupConfig[];
  /** Include sonde's own process_* metrics; default true. */
  readonly self?: boolean;
  readonly procfs?: string;
  readonly sysfs?: string;
  readonly platform?: NodeJS.Platform;
}

interface Tracked {
  /** Seconds after boot; tells a reused PID from the process seen before. */
  starttime: number;
  utime: number;
  stime: number;
  readBytes: number;
  writeBytes: number;
  minflt: number;
  majflt: number;
}

interface Group {
  readonly name: string;
  readonly config: ProcessGroupConfig;
  readonly re: RegExp | null;
  /** Counters of processes that have exited. */
  readonly base: Tracked;
  tracked: Map<number, Tracked>;
}

export function groupName(g: ProcessGroupConfig): string {
  return g.name ?? g.pattern ?? (g.pid !== undefined ? `pid:${g.pid}` : (g.cgroup ?? 'unnamed'));
}

function zero(): Tracked {
  return { starttime: 0, utime: 0, stime: 0, readBytes: 0, writeBytes: 0, minflt: 0, majflt: 0 };
}

export function createProcessCollector(opts: ProcessCollectorOptions = {}): Collector {
  const procfs = opts.procfs ?? '/proc';
  const sysfs = opts.sysfs ?? '/sys';
  const linux = (opts.platform ?? process.platform) === 'linux' && existsSync(join(procfs, 'self/stat'));
  const reader = new FileReader(4096);
  const labels = new LabelCache();
  const startTime = Math.round(Date.now() / 1000 - process.uptime());
  const groups: Group[] = (opts.groups ?? []).map((g) => ({
    name: groupName(g),
    config: g,
    re: g.pattern ? new RegExp(g.pattern) : null,
    base: zero(),
    tracked: new Map(),
  }));
  /** Pattern matches by PID, kept while the PID lives: whether each pattern group matched. */
  const matchCache = new Map<number, { matches: boolean[] }>();
  const st = newProcStat();
  const io = { readBytes: 0, writeBytes: 0 };
  let btime = Number.NaN;
  let page = 4096;
  if (linux) page = pageSize({ procfs, sysfs, rootfs: '/' });

  function bootTime(): number {
    if (!Number.isNaN(btime)) return btime;
    const s = reader.tryScan(join(procfs, 'stat'));
    if (s)
      while (s.nextLine())
        if (s.field() && s.is('btime')) {
          btime = s.nextNum();
          break;
        }
    return btime;
  }

  function selfFamilies(out: MetricFamily[]): void {
    const cpu = process.cpuUsage();
    const user = cpu.user / 1e6;
    const system = cpu.system / 1e6;
    out.push(
      single('process_cpu_user_seconds_total', 'Total user CPU time spent in seconds.', 'counter', user),
      single(
        'process_cpu_system_seconds_total',
        'Total system CPU time spent in seconds.',
        'counter',
        system,
      ),
      single(
        'process_cpu_seconds_total',
        'Total user and system CPU time spent in seconds.',
        'counter',
        user + system,
      ),
      single(
        'process_start_time_seconds',
        'Start time of the process since unix epoch in seconds.',
        'gauge',
        startTime,
      ),
    );
    if (!linux) {
      out.push(
        single(
          'process_resident_memory_bytes',
          'Resident memory size in bytes.',
          'gauge',
          process.memoryUsage.rss(),
        ),
      );
      return;
    }
    // prom-client reads VmRSS, VmSize and VmData from /proc/self/status.
    const s = reader.scan(join(procfs, 'self/status'));
    let rss = Number.NaN;
    let vsize = Number.NaN;
    let data = Number.NaN;
    while (s.nextLine()) {
      if (!s.field()) continue;
      if (s.is('VmRSS:')) rss = s.nextNum() * 1024;
      else if (s.is('VmSize:')) vsize = s.nextNum() * 1024;
      else if (s.is('VmData:')) data = s.nextNum() * 1024;
    }
    out.push(
      single('process_resident_memory_bytes', 'Resident memory size in bytes.', 'gauge', rss),
      single('process_virtual_memory_bytes', 'Virtual memory size in bytes.', 'gauge', vsize),
      single('process_heap_bytes', 'Process heap size in bytes.', 'gauge', data),
    );
    let fds = Number.NaN;
    try {
      fds = readdirSync(join(procfs, 'self/fd')).length;
    } catch {}
    out.push(single('process_open_fds', 'Number of open file descriptors.', 'gauge', fds));
    const lim = reader.tryScan(join(procfs, 'self/limits'));
    if (lim) {
      while (lim.nextLine()) {
        if (!lim.lineStartsWith('Max open files')) continue;
        lim.skip(3);
        const v = lim.nextNum();
        out.push(single('process_max_fds', 'Maximum number of open file descriptors.', 'gauge', v));
        break;
      }
    }
  }

  function pidsOfCgroup(path: string): number[] {
    const rel = path.replace(/^\/+/, '');
    const base = join(sysfs, 'fs/cgroup');
    const roots = [
      base,
      join(base, 'unified'),
      join(base, 'pids'),
      join(base, 'systemd'),
      join(base, 'cpu'),
      join(base, 'memory'),
    ];
    const out: number[] = [];
    for (const r of roots) {
      const dir = join(r, rel);
      if (!existsSync(join(dir, 'cgroup.procs'))) continue;
      const walk = (d: string, depth: number) => {
        const text = reader.tryText(join(d, 'cgroup.procs'));
        if (text) for (const line of text.split('\n')) if (line) out.push(Number(line));
        if (depth > 8) return;
        let entries: import('node:fs').Dirent[];
        try {
          entries = readdirSync(d, { withFileTypes: true });
        } catch {
          return;
        }
        for (const e of entries) if (e.isDirectory()) walk(join(d, e.name), depth + 1);
      };
      walk(dir, 0);
      return out;
    }
    return out;
  }

  function allPids(): number[] {
    const out: number[] = [];
    for (const name of readdirSync(procfs)) {
      const c = name.charCodeAt(0);
      if (c >= 48 && c <= 57) out.push(Number(name));
    }
    return out;
  }

  function patternMatches(pids: number[]): Map<Group, number[]> {
    const patternGroups = groups.filter((g) => g.re);
    const result = new Map<Group, number[]>(patternGroups.map((g) => [g, []]));
    const live = new Set<number>();
    for (const pid of pids) {
      live.add(pid);
      let m = matchCache.get(pid);
      if (!m) {
        const comm = reader.tryText(join(procfs, `${pid}/comm`));
        if (comm === null) continue;
        let cmdline = '';
        try {
          const n = reader.read(join(procfs, `${pid}/cmdline`));
          cmdline = reader.buf.toString('utf8', 0, n).replace(/\0+$/, '').replaceAll('\0', ' ');
        } catch {}
        m = {
          matches: patternGroups.map((g) => g.re!.test(comm) || (cmdline !== '' && g.re!.test(cmdline))),
        };
        matchCache.set(pid, m);
      }
      m.matches.forEach((hit, i) => {
        if (hit) result.get(patternGroups[i])!.push(pid);
      });
    }
    for (const pid of matchCache.keys()) if (!live.has(pid)) matchCache.delete(pid);
    return result;
  }

  function groupFamilies(fams: FamilySet): void {
    const needScan = groups.some((g) => g.re);
    const byPattern = needScan ? patternMatches(allPids()) : new Map<Group, number[]>();
    const boot = bootTime();
    for (const g of groups) {
      let pids: number[];
      if (g.config.pid !== undefined) pids = [g.config.pid];
      else if (g.config.cgroup !== undefined) pids = pidsOfCgroup(g.config.cgroup);
      else pids = byPattern.get(g) ?? [];
      const seen = new Map<number, Tracked>();
      let procs = 0;
      let threads = 0;
      let rss = 0;
      let vsize = 0;
      let fds = 0;
      let oldest = Number.POSITIVE_INFINITY;
      const now = zero();
      for (const pid of pids) {
        if (!readProcStat(reader, join(procfs, `${pid}/stat`), st)) continue;
        const t: Tracked = {
          starttime: st.starttime,
          utime: st.utime,
          stime: st.stime,
          readBytes: 0,
          writeBytes: 0,
          minflt: st.minflt,
          majflt: st.majflt,
        };
        const prev = g.tracked.get(pid);
        if (readProcIo(reader, join(procfs, `${pid}/io`), io)) {
          t.readBytes = io.readBytes;
          t.writeBytes = io.writeBytes;
        } else if (prev && prev.starttime === t.starttime) {
          t.readBytes = prev.readBytes;
          t.writeBytes = prev.writeBytes;
        }
        seen.set(pid, t);
        procs++;
        threads += st.numThreads;
        rss += st.rss * page;
        vsize += st.vsize;
        try {
          fds += readdirSync(join(procfs, `${pid}/fd`)).length;
        } catch {}
        if (st.starttime < oldest) oldest = st.starttime;
        now.utime += t.utime;
        now.stime += t.stime;
        now.readBytes += t.readBytes;
        now.writeBytes += t.writeBytes;
        now.minflt += t.minflt;
        now.majflt += t.majflt;
      }
      // Processes gone since the last cycle (or whose PID was reused) keep what they counted.
      for (const [pid, t] of g.tracked) {
        const cur = seen.get(pid);
        if (cur && cur.starttime === t.starttime) continue;
        g.base.utime += t.utime;
        g.base.stime += t.stime;
        g.base.readBytes += t.readBytes;
        g.base.writeBytes += t.writeBytes;
        g.base.minflt += t.minflt;
        g.base.majflt += t.majflt;
      }
      g.tracked = seen;
      const gl = labels.one('groupname', g.name);
      const modeL = (mode: string): Labels =>
        labels.get(`${g.name}\u0000mode\u0000${mode}`, () => ({ groupname: g.name, mode }));
      const memL = (memtype: string): Labels =>
        labels.get(`${g.name}\u0000mem\u0000${memtype}`, () => ({ groupname: g.name, memtype }));
      fams.add('namedprocess_namegroup_num_procs', 'number of processes in this group', 'gauge', gl, procs);
      fams.add(
        'namedprocess_namegroup_cpu_seconds_total',
        'Cpu user usage in seconds',
        'counter',
        modeL('user'),
        g.base.utime + now.utime,
      );
      fams.add(
        'namedprocess_namegroup_cpu_seconds_total',
        'Cpu user usage in seconds',
        'counter',
        modeL('system'),
        g.base.stime + now.stime,
      );
      fams.add(
        'namedprocess_namegroup_read_bytes_total',
        'number of bytes read by this group',
        'counter',
        gl,
        g.base.readBytes + now.readBytes,
      );
      fams.add(
        'namedprocess_namegroup_write_bytes_total',
        'number of bytes written by this group',
        'counter',
        gl,
        g.base.writeBytes + now.writeBytes,
      );
      fams.add(
        'namedprocess_namegroup_major_page_faults_total',
        'Major page faults',
        'counter',
        gl,
        g.base.majflt + now.majflt,
      );
      fams.add(
        'namedprocess_namegroup_minor_page_faults_total',
        'Minor page faults',
        'counter',
        gl,
        g.base.minflt + now.minflt,
      );
      fams.add(
        'namedprocess_namegroup_memory_bytes',
        'number of bytes of memory in use',
        'gauge',
        memL('resident'),
        rss,
      );
      fams.add(
        'namedprocess_namegroup_memory_bytes',
        'number of bytes of memory in use',
        'gauge',
        memL('virtual'),
        vsize,
      );
      fams.add('namedprocess_namegroup_num_threads', 'Number of threads', 'gauge', gl, threads);
      fams.add(
        'namedprocess_namegroup_open_filedesc',
        'number of open file descriptors for this group',
        'gauge',
        gl,
        fds,
      );
      if (procs > 0 && !Number.isNaN(boot))
        fams.add(
          'namedprocess_namegroup_oldest_start_time_seconds',
          'start time in seconds since 1970/01/01 of oldest process in group',
          'gauge',
          gl,
          boot + oldest,
        );
    }
  }

  return {
    name: 'process',
    async unavailableReason() {
      return null;
    },
    async collect() {
      const out: MetricFamily[] = [];
      if (opts.self !== false) selfFamilies(out);
      if (linux && groups.length > 0) {
        const fams = new FamilySet();
        groupFamilies(fams);
        out.push(...fams.toArray());
      }
      return out;
    },
  };
}
