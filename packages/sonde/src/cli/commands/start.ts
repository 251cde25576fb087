// `sonde start`: run the server on the configured address and data directory.
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../../config/index.js';
import { createLogger } from '../../server/logger.js';
import { startSonde } from '../../server/sonde.js';
import { EXIT } from '../exit-codes.js';

interface StartFlags {
  listen?: string;
  dataDir?: string;
  config?: string;
  logLevel?: string;
  insecure?: boolean;
  agent?: boolean;
  remoteWrite?: string[];
}

export default function register(program: Command): void {
  program
    .command('start')
    .description('run the sonde server: collect, store, query, analyze, alert and serve the dashboard')
    .option('--listen <host:port>', 'address to listen on (env SONDE_LISTEN; default 127.0.0.1:9977)')
    .option('--data-dir <dir>', 'where data is kept (env SONDE_DATA_DIR; default ./data)')
    .option('--config <file>', 'YAML config file (env SONDE_CONFIG)')
    .option('--log-level <level>', 'trace|debug|info|warn|error|fatal|silent (env SONDE_LOG_LEVEL)')
    .option('--insecure', 'allow listening beyond loopback without authentication')
    .option('--agent', 'agent mode: collect and forward to remote_write only, no local store')
    .option(
      '--remote-write <url>',
      'also send everything to this remote_write endpoint (repeatable)',
      (v: string, all: string[] = []) => [...all, v],
    )
    .action(async (flags: StartFlags) => {
      let config: ReturnType<typeof loadConfig>;
      try {
        config = loadConfig({
          flags: {
            listen: flags.listen,
            data_dir: flags.dataDir,
            config: flags.config,
            log_level: flags.logLevel,
            insecure: flags.insecure,
            agent: flags.agent,
          },
          remoteWrite: flags.remoteWrite,
        });
      } catch (err) {
        if (err instanceof ConfigError) {
          process.stderr.write(`sonde: ${err.message}\n`);
          process.exit(EXIT.usage);
        }
        throw err;
      }
      const logger = createLogger(config.log_level);
      let sonde: Awaited<ReturnType<typeof startSonde>>;
      try {
        const configPath = flags.config ?? process.env.SONDE_CONFIG;
        sonde = await startSonde(
          config,
          logger,
          configPath ? { configDir: dirname(resolve(configPath)) } : {},
        );
      } catch (err) {
        logger.fatal({ err }, 'sonde could not start');
        logger.flush?.();
        process.stderr.write(`sonde: could not start: ${(err as Error).message}\n`);
        process.exit(EXIT.runtime);
      }
      if (process.stdout.isTTY) process.stderr.write(`\n  sonde is running: open ${sonde.url}/\n\n`);
      const shutdown = (signal: string) => {
        sonde.stop(signal).then(
          () => process.exit(EXIT.ok),
          (err: unknown) => {
            logger.error({ err }, 'unclean shutdown');
            process.exit(EXIT.runtime);
          },
        );
      };
      process.on('SIGHUP', () => {
        sonde
          .reload()
          .catch((err: unknown) => logger.error({ err }, 'reload failed; keeping the old settings'));
      });
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
    });
}
