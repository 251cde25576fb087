// `sonde version`: the version of sonde and of the runtime it is on.
import type { Command } from 'commander';
import { SONDE_VERSION } from '../../version.js';

export default function register(program: Command): void {
  program
    .command('version')
    .description('print the version of sonde and Node.js')
    .option('--json', 'as JSON')
    .action((flags: { json?: boolean }) => {
      const info = {
        version: SONDE_VERSION,
        node: process.versions.node,
        platform: `${process.platform}/${process.arch}`,
      };
      if (flags.json) process.stdout.write(`${JSON.stringify(info)}\n`);
      else process.stdout.write(`sonde ${info.version} (node ${info.node}, ${info.platform})\n`);
    });
}
