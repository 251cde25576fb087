// `sonde token create|list|revoke`: API tokens with roles, stored hashed in the data directory.
import { type Command, InvalidArgumentError } from 'commander';
import { ROLES, type Role, TokenStore, audit } from '../../api/auth/index.js';
import { loadConfig } from '../../config/index.js';

function dataDirOf(flags: { dataDir?: string; config?: string }): string {
  return loadConfig({ flags: { data_dir: flags.dataDir, config: flags.config } }).data_dir;
}

function withStoreOptions(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'the data directory of the server (env SONDE_DATA_DIR; default ./data)')
    .option('--config <file>', 'YAML config file (env SONDE_CONFIG)');
}

export default function register(program: Command): void {
  const token = program.command('token').description('manage API tokens (roles: read, write, admin)');
  withStoreOptions(
    token
      .command('create')
      .description('create a token; it is printed once and stored only as a hash')
      .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`, (v: string) => {
        if (!ROLES.includes(v as Role))
          throw new InvalidArgumentError(`role must be one of ${ROLES.join(', ')}`);
        return v as Role;
      })
      .option('--name <name>', 'a note on what the token is for', ''),
  ).action(async (flags: { role: Role; name: string; dataDir?: string; config?: string }) => {
    const dataDir = dataDirOf(flags);
    const store = await TokenStore.open(dataDir);
    const { record, token } = await store.create(flags.role, flags.name);
    await audit(dataDir, {
      action: 'token.create',
      actor: 'cli',
      detail: { id: record.id, role: record.role, name: record.name },
    });
    process.stdout.write(`${token}\n`);
    process.stderr.write(
      `created ${record.role} token ${record.id}; it is shown only now. Send it as: Authorization: Bearer <token>\n`,
    );
  });
  withStoreOptions(
    token.command('list').description('list tokens (never their secrets)').option('--json', 'as JSON'),
  ).action(async (flags: { dataDir?: string; config?: string; json?: boolean }) => {
    const store = await TokenStore.open(dataDirOf(flags));
    const rows = store.list().map(({ id, name, role, createdAt }) => ({ id, role, name, createdAt }));
    if (flags.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
    else
      for (const r of rows) process.stdout.write(`${r.id}  ${r.role.padEnd(5)}  ${r.createdAt}  ${r.name}\n`);
  });
  withStoreOptions(token.command('revoke').description('revoke a token by id').argument('<id>')).action(
    async (id: string, flags: { dataDir?: string; config?: string }) => {
      const dataDir = dataDirOf(flags);
      const store = await TokenStore.open(dataDir);
      if (!(await store.revoke(id))) {
        process.stderr.write(`sonde token revoke: no token with id ${id}\n`);
        process.exit(3);
      }
      await audit(dataDir, { action: 'token.revoke', actor: 'cli', detail: { id } });
      process.stdout.write(`revoked ${id}\n`);
    },
  );
}
