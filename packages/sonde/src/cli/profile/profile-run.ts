// Profiles a Node.js command from start to exit with a probe preloaded
// through NODE_OPTIONS (CPU profile, event-loop delay, GC pauses) while the
// host is sampled. NODE_OPTIONS reaches every Node process the command
// starts, so wrappers such as `npm start` work; the busiest one is kept.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CpuProfile } from './cpu-profile.js';
import { type HostVitals, sampleHost } from './host-sampler.js';
import { RUNTIME_PROBE_SOURCE, type RuntimeReport } from './runtime-probe.js';

export interface ProfileResult {
  readonly profile: CpuProfile;
  readonly profilePath: string;
  readonly runtime: RuntimeReport | null;
  readonly host: HostVitals;
  readonly exitCode: number | null;
}

export async function profileCommand(command: string, args: readonly string[]): Promise<ProfileResult> {
  const dir = await mkdtemp(join(tmpdir(), 'sonde-profile-'));
  const probe = join(dir, 'runtime-probe.mjs');
  await writeFile(probe, RUNTIME_PROBE_SOURCE);
  const outPrefix = join(dir, 'out');
  const nodeOptions = [process.env.NODE_OPTIONS ?? '', `--import=${pathToFileURL(probe).href}`].join(' ');
  const host = sampleHost();
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(command, [...args], {
      stdio: 'inherit',
      env: { ...process.env, NODE_OPTIONS: nodeOptions.trim(), SONDE_PROFILE_RUNTIME_OUT: outPrefix },
    });
    child.once('error', (err) => reject(new Error(`cannot run ${command}: ${err.message}`)));
    child.once('close', (code) => resolve(code));
  });
  const vitals = host.stop();

  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) {
    throw new Error(`no CPU profile was written: is "${command}" a Node.js program (or does it start one)?`);
  }
  let best: { profile: CpuProfile; path: string; samples: number } | null = null;
  for (const file of files) {
    const path = join(dir, file);
    const profile = JSON.parse(await readFile(path, 'utf8')) as CpuProfile;
    const samples = profile.samples?.length ?? 0;
    if (!best || samples > best.samples) best = { profile, path, samples };
  }
  let runtime: RuntimeReport | null = null;
  try {
    runtime = JSON.parse(
      await readFile(best!.path.replace(/\.cpuprofile$/, '.json'), 'utf8'),
    ) as RuntimeReport;
  } catch {
    runtime = null;
  }
  return { profile: best!.profile, profilePath: best!.path, runtime, host: vitals, exitCode };
}
