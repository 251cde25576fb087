// `sonde check config FILE`: validates a config file as `sonde start` would
// read it (YAML, every key, every value), naming the line of each problem.
import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../../config/index.js';
import { EXIT } from '../exit-codes.js';

export function checkConfig(check: Command): void {
  check
    .command('config')
    .description('check a sonde config file: YAML, known settings, allowed values, with line numbers')
    .argument('<file>', 'the YAML config file')
    .addHelpText('after', '\nExample:\n  sonde check config /etc/sonde/sonde.yaml')
    .action((file: string) => {
      process.stdout.write(`Checking ${file}\n`);
      try {
        const config = loadConfig({ flags: { config: file }, env: {} });
        process.stdout.write(
          `  SUCCESS: listen ${config.listen}, data in ${config.data_dir}, ${config.remote_write.length} remote_write target(s)\n`,
        );
        process.exitCode = EXIT.ok;
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        process.stdout.write(
          `  FAILED:\n${err.message
            .replace(/^invalid configuration[^:]*: /, '')
            .split('; ')
            .map((p) => `  ${p}`)
            .join('\n')}\n`,
        );
        process.exitCode = EXIT.finding;
      }
    });
}
