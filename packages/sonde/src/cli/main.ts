#!/usr/bin/env node
// The `sonde` command line: one program, one subcommand per workflow.
import { Command, CommanderError } from 'commander';
import { SONDE_VERSION } from '../version.js';
import { commands } from './commands/index.js';
import { EXIT } from './exit-codes.js';

const program = new Command()
  .name('sonde')
  .description('Performance monitoring and analytics for Node.js services and Linux hosts')
  .version(SONDE_VERSION, '-V, --version')
  .showHelpAfterError('(run `sonde help <command>` for its options)')
  .exitOverride();

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage);
  }
  process.stderr.write(`sonde: ${(err as Error).message}\n`);
  process.exit(EXIT.runtime);
}
