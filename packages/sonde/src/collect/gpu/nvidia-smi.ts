// NVIDIA GPUs through nvidia-smi, the one collector that runs a child
// process, under the metric names of NVIDIA's DCGM exporter. nvidia-smi is
// started once in its looping mode (-lms) and its lines are read as they
// come, instead of paying for a new process every cycle. When nvidia-smi is
// not on PATH or finds no driver, the collector says so once and stays off.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import type { Labels } from '../../storage/types.js';
import { FamilySet } from '../lib/family.js';
import type { Collector, MetricFamily } from '../types.js';

/** A queried nvidia-smi field and the DCGM exporter metric it becomes (null: a label). */
export interface GpuField {
  readonly query: string;
  readonly metric: string | null;
  readonly help: string;
  readonly type: 'gauge' | 'counter';
  /** Parse as hex (0x...) bitmask. */
  readonly hex?: boolean;
}

export const GPU_FIELDS: readonly GpuField[] = [
  { query: 'index', metric: null, help: '', type: 'gauge' },
  { query: 'uuid', metric: null, help: '', type: 'gauge' },
  { query: 'name', metric: null, help: '', type: 'gauge' },
  { query: 'pci.bus_id', metric: null, help: '', type: 'gauge' },
  {
    query: 'utilization.gpu',
    metric: 'DCGM_FI_DEV_GPU_UTIL',
    help: 'GPU utilization (in %).',
    type: 'gauge',
  },
  {
    query: 'utilization.memory',
    metric: 'DCGM_FI_DEV_MEM_COPY_UTIL',
    help: 'Memory utilization (in %).',
    type: 'gauge',
  },
  {
    query: 'memory.used',
    metric: 'DCGM_FI_DEV_FB_USED',
    help: 'Framebuffer memory used (in MiB).',
    type: 'gauge',
  },
  {
    query: 'memory.free',
    metric: 'DCGM_FI_DEV_FB_FREE',
    help: 'Framebuffer memory free (in MiB).',
    type: 'gauge',
  },
  {
    query: 'memory.total',
    metric: 'DCGM_FI_DEV_FB_TOTAL',
    help: 'Framebuffer memory total (in MiB).',
    type: 'gauge',
  },
  {
    query: 'temperature.gpu',
    metric: 'DCGM_FI_DEV_GPU_TEMP',
    help: 'GPU temperature (in C).',
    type: 'gauge',
  },
  {
    query: 'temperature.memory',
    metric: 'DCGM_FI_DEV_MEMORY_TEMP',
    help: 'Memory temperature (in C).',
    type: 'gauge',
  },
  { query: 'power.draw', metric: 'DCGM_FI_DEV_POWER_USAGE', help: 'Power draw (in W).', type: 'gauge' },
  {
    query: 'power.limit',
    metric: 'DCGM_FI_DEV_POWER_MGMT_LIMIT',
    help: 'Power management limit (in W).',
    type: 'gauge',
  },
  { query: 'clocks.sm', metric: 'DCGM_FI_DEV_SM_CLOCK', help: 'SM clock frequency (in MHz).', type: 'gauge' },
  {
    query: 'clocks.mem',
    metric: 'DCGM_FI_DEV_MEM_CLOCK',
    help: 'Memory clock frequency (in MHz).',
    type: 'gauge',
  },
  { query: 'fan.speed', metric: 'DCGM_FI_DEV_FAN_SPEED', help: 'Fan speed (in %).', type: 'gauge' },
  {
    query: 'pcie.link.gen.current',
    metric: 'DCGM_FI_DEV_PCIE_LINK_GEN',
    help: 'PCIe link generation.',
    type: 'gauge',
  },
  {
    query: 'pcie.link.width.current',
    metric: 'DCGM_FI_DEV_PCIE_LINK_WIDTH',
    help: 'PCIe link width.',
    type: 'gauge',
  },
  {
    query: 'clocks_throttle_reasons.active',
    metric: 'DCGM_FI_DEV_CLOCK_THROTTLE_REASONS',
    help: 'Current clock throttle reasons (bitmask).',
    type: 'gauge',
    hex: true,
  },
  {
    query: 'ecc.errors.corrected.volatile.total',
    metric: 'DCGM_FI_DEV_ECC_SBE_VOL_TOTAL',
    help: 'Total number of single-bit volatile ECC errors.',
    type: 'counter',
  },
  {
    query: 'ecc.errors.uncorrected.volatile.total',
    metric: 'DCGM_FI_DEV_ECC_DBE_VOL_TOTAL',
    help: 'Total number of double-bit volatile ECC errors.',
    type: 'counter',
  },
];

/** The arguments for one query (or, with loopMs, for a query repeated every loopMs). */
export function nvidiaSmiArgs(fields: readonly GpuField[], loopMs?: number): string[] {
  const args = [`--query-gpu=${fields.map((f) => f.query).join(',')}`, '--format=csv,noheader,nounits'];
  if (loopMs !== undefined) args.push(`--loop-ms=${loopMs}`);
  return args;
}

export interface GpuReading {
  readonly labels: Labels;
  /** Per field, NaN where nvidia-smi said [N/A] or [Not Supported]. */
  readonly values: readonly number[];
}

/** Splits one CSV line of nvidia-smi (no quoting is used; ", " separates fields). */
function splitLine(line: string): string[] {
  return line.split(',').map((v) => v.trim());
}

function parseValue(text: string, hex: boolean | undefined): number {
  if (text === '' || text.startsWith('[')) return Number.NaN; // [N/A], [Not Supported], [Unknown Error]
  if (hex || text.startsWith('0x')) return Number.parseInt(text, 16);
  const n = Number(text);
  return Number.isFinite(n) ? n : Number.NaN;
}

/** Parses one line of `--format=csv,noheader,nounits` output for `fields`; null if it does not fit. */
export function parseNvidiaSmiLine(line: string, fields: readonly GpuField[]): GpuReading | null {
  const parts = splitLine(line);
  if (parts.length !== fields.length) return null;
  const at = (q: string) => {
    const i = fields.findIndex((f) => f.query === q);
    return i < 0 ? '' : parts[i];
  };
  const gpu = at('index');
  if (gpu === '' || Number.isNaN(Number(gpu))) return null;
  const labels: Labels = Object.freeze({
    gpu,
    UUID: at('uuid'),
    device: `nvidia${gpu}`,
    modelName: at('name'),
    pci_bus_id: at('pci.bus_id'),
  });
  return { labels, values: fields.map((f, i) => (f.metric ? parseValue(parts[i], f.hex) : Number.NaN)) };
}

export function parseNvidiaSmiCsv(text: string, fields: readonly GpuField[] = GPU_FIELDS): GpuReading[] {
  const out: GpuReading[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const r = parseNvidiaSmiLine(line, fields);
    if (r) out.push(r);
  }
  return out;
}

/** The DCGM-named families for a set of readings. */
export function gpuFamilies(
  readings: readonly GpuReading[],
  fields: readonly GpuField[] = GPU_FIELDS,
): MetricFamily[] {
  const fams = new FamilySet();
  for (const r of readings) {
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      const v = r.values[i];
      if (f.metric && !Number.isNaN(v)) fams.add(f.metric, f.help, f.type, r.labels, v);
    }
  }
  return fams.toArray();
}

/** From an nvidia-smi error, the fields it says it cannot query. */
export function invalidFields(stderr: string): string[] {
  const out: string[] = [];
  for (const m of stderr.matchAll(/Field "([^"]+)" is not a valid field to query/g)) out.push(m[1]);
  return out;
}

export interface GpuCollectorOptions {
  /** The nvidia-smi program; default "nvidia-smi" from PATH. */
  readonly command?: string;
  /** How often the looping nvidia-smi reports; default 1000 ms. */
  readonly loopMs?: number;
  /** Fields to query; default GPU_FIELDS. */
  readonly fields?: readonly GpuField[];
}

function runOnce(
  command: string,
  args: string[],
): Promise<{ stdout: string; stderr: string; error: NodeJS.ErrnoException | null }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 15_000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      resolve({
        stdout: String(stdout),
        stderr: String(stderr),
        error: error as NodeJS.ErrnoException | null,
      });
    });
  });
}

export function createGpuCollector(opts: GpuCollectorOptions = {}): Collector {
  const command = opts.command ?? 'nvidia-smi';
  const loopMs = opts.loopMs ?? 1000;
  let fields = [...(opts.fields ?? GPU_FIELDS)];
  let gpuCount = 0;
  let latest: { at: number; readings: GpuReading[] } | null = null;
  let child: ChildProcess | null = null;
  let childError: string | null = null;
  let pending: GpuReading[] = [];
  let partial = '';
  const waiters = new Set<() => void>();
  let reason: Promise<string | null> | null = null;

  async function probe(): Promise<string | null> {
    for (let attempt = 0; attempt < 4; attempt++) {
      const r = await runOnce(command, nvidiaSmiArgs(fields));
      if (r.error?.code === 'ENOENT') return `${command} not found on PATH (no NVIDIA driver tools)`;
      if (r.error) {
        const bad = invalidFields(r.stderr + r.stdout);
        if (bad.length > 0) {
          fields = fields.filter((f) => !bad.includes(f.query));
          continue;
        }
        const first = (r.stderr || r.stdout).trim().split('\n')[0];
        return `${command} failed: ${first || r.error.message}`;
      }
      const readings = parseNvidiaSmiCsv(r.stdout, fields);
      if (readings.length === 0) return `${command} reports no GPU`;
      gpuCount = readings.length;
      latest = { at: Date.now(), readings };
      return null;
    }
    return `${command} rejects the query fields`;
  }

  function onData(chunk: Buffer): void {
    partial += chunk.toString('utf8');
    let nl = partial.indexOf('\n');
    while (nl >= 0) {
      const line = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      nl = partial.indexOf('\n');
      if (line.trim() === '') continue;
      const r = parseNvidiaSmiLine(line, fields);
      if (!r) continue;
      if (r.labels.gpu === '0' || pending.length >= gpuCount) pending = [];
      pending.push(r);
      if (pending.length === gpuCount) {
        latest = { at: Date.now(), readings: pending };
        pending = [];
        for (const w of waiters) w();
        waiters.clear();
      }
    }
  }

  function startLoop(): void {
    childError = null;
    pending = [];
    partial = '';
    const c = spawn(command, nvidiaSmiArgs(fields, loopMs), { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    c.stdout?.on('data', onData);
    let err = '';
    c.stderr?.on('data', (d: Buffer) => {
      err += d.toString('utf8');
    });
    c.on('error', (e) => {
      childError = e.message;
    });
    c.on('exit', (code, signal) => {
      if (child === c) child = null;
      childError = `${command} exited (${signal ?? code})${err ? `: ${err.trim().split('\n')[0]}` : ''}`;
      for (const w of waiters) w();
      waiters.clear();
    });
    c.unref();
    (c.stdout as unknown as { unref?: () => void })?.unref?.();
    (c.stderr as unknown as { unref?: () => void })?.unref?.();
  }

  return {
    name: 'gpu',
    unavailableReason() {
      reason ??= probe();
      return reason;
    },
    async collect(signal) {
      if (reason === null) {
        const r = await (reason = probe());
        if (r) throw new Error(r);
      }
      const fresh = () => latest !== null && Date.now() - latest.at < loopMs * 1.5;
      if (!fresh()) {
        if (!child) startLoop();
        await new Promise<void>((resolve) => {
          const done = () => {
            signal.removeEventListener('abort', done);
            waiters.delete(done);
            resolve();
          };
          waiters.add(done);
          signal.addEventListener('abort', done, { once: true });
        });
      }
      if (!latest || Date.now() - latest.at > loopMs * 3) {
        throw new Error(childError ?? `${command} has not reported for ${loopMs * 3} ms`);
      }
      return gpuFamilies(latest.readings, fields);
    },
    close() {
      if (child) {
        child.kill();
        child = null;
      }
    },
  };
}
