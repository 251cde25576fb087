// `sonde collect`: run the collectors and print what they collect, once or a
// few times, as Prometheus text or JSON. Needs no server and no data directory.
import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../../config/index.js';
import { parseDuration } from '../../config/duration.js';
import { createCollectors } from '../../collect/all.js';
import { formatJson, formatPrometheusText } from '../../collect/exposition.js';
import { createCollectionLoop } from '../../collect/loop.js';
import { EXIT } from '../exit-codes.js';

interface CollectFlags {
  once?: boolean;
  format: string;
  interval?: string;
  count?: string;
  config?: string;
  collectors?: string;
  procfs?: string;
  sysfs?: string;
  rootfs?: string;
}

function usage(message: string): never {
  process.stderr.write(`sonde collect: ${message}\n`);
  process.exit(EXIT.usage);
}

export default function register(program: Command): void {
  program
    .command('collect')
    .description("collect the host's metrics (and configured processes, probes, GPUs) and print them")
    .option('--once', 'collect once and exit (the default when --count is not given)')
    .option('--format <format>', 'prometheus or json', 'prometheus')
    .option('--interval <seconds>', 'seconds between collections (default: the config, 1s)')
    .option('--count <n>', 'number of collections to print')
    .option('--config <file>', 'YAML config file (env SONDE_CONFIG); its collect section applies')
    .option('--collectors <names>', 'comma-separated collectors to run (overrides collect.enabled)')
    .option('--procfs <dir>', 'procfs mount (default /proc)')
    .option('--sysfs <dir>', 'sysfs mount (default /sys)')
    .option('--rootfs <dir>', 'host root filesystem (default /)')
    .action(async (flags: CollectFlags) => {
      if (flags.format !== 'prometheus' && flags.format !== 'json')
        usage(`--format must be prometheus or json, not "${flags.format}"`);
      let config: ReturnType<typeof loadConfig>;
      try {
        config = loadConfig({ flags: { config: flags.config } });
      } catch (err) {
        if (err instanceof ConfigError) usage(err.message);
        throw err;
      }
      const collect = { ...config.collect };
      if (flags.collectors)
        collect.enabled = flags.collectors
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
      if (flags.procfs) collect.procfs = flags.procfs;
      if (flags.sysfs) collect.sysfs = flags.sysfs;
      if (flags.rootfs) collect.rootfs = flags.rootfs;
      let intervalMs = parseDuration(collect.interval);
      if (flags.interval !== undefined) {
        const s = Number(flags.interval);
        if (!(s > 0)) usage(`--interval must be a positive number of seconds, not "${flags.interval}"`);
        intervalMs = s * 1000;
      }
      const count = flags.once || flags.count === undefined ? 1 : Number(flags.count);
      if (!Number.isInteger(count) || count < 1)
        usage(`--count must be a positive integer, not "${flags.count}"`);
      const timeoutMs = Math.min(parseDuration(collect.timeout), intervalMs);

      const { collectors, off } = await createCollectors(collect);
      for (const o of off) process.stderr.write(`sonde collect: ${o.name} is off: ${o.reason}\n`);
      const loop = createCollectionLoop({
        collectors,
        intervalMs,
        timeoutMs,
        onCycle() {},
        logger: {
          warn: (obj, msg) => process.stderr.write(`sonde collect: ${msg}: ${JSON.stringify(obj)}\n`),
          info: () => {},
        },
      });
      for (let i = 0; i < count; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, intervalMs));
        const { families, tMs } = await loop.runOnce();
        process.stdout.write(
          flags.format === 'json' ? `${formatJson(families, tMs)}\n` : formatPrometheusText(families),
        );
      }
      await Promise.all(collectors.map((c) => c.close?.()));
      process.exitCode = EXIT.ok;
    });
}
