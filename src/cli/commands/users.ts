import { Command, Option } from 'commander';
import { loadConfig, PASSWORD_ENV, passwordFromEnv } from '../../config.js';
import { SessiondError } from '../../core/errors.js';
import { emailKey } from '../../core/user.js';
import { createRegistry } from '../../registry.js';
import { addConfigOptions, flagsOf } from '../options.js';

export function usersCommand(): Command {
  const users = new Command('users').description('Manage accounts.');
  const create = new Command('create')
    .description('Create an account.')
    .addOption(new Option('--email <email>', 'The email address to sign in with.').makeOptionMandatory())
    .addOption(new Option('--password <password>', `The password (or set ${PASSWORD_ENV} to keep it out of shell history).`))
    .option('--name <name>', 'Display name.')
    .option('--admin', 'Make this account a workspace admin.', false);
  addConfigOptions(create, ['databaseUrl', 'secretKeyFile', 'minPasswordLength']);
  create.action(async (options: { email: string; password?: string; name?: string; admin: boolean }) => {
    const password = options.password ?? passwordFromEnv();
    if (!password) throw new Error(`Give --password or set ${PASSWORD_ENV}.`);
    const registry = await createRegistry(loadConfig(flagsOf(create)));
    try {
      const user = await registry.accounts.signUp({ email: options.email, password, name: options.name ?? null, isAdmin: options.admin });
      console.log(`created ${user.isAdmin ? 'admin ' : ''}account ${user.email} (id ${user.id})`);
    } finally {
      await registry.close();
    }
  });
  users.addCommand(create);
  for (const [name, disable] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    const command = new Command(name)
      .description(
        disable
          ? 'Disable an account: end every session of it at once, on every node, and refuse its sign-in until enabled.'
          : 'Enable a disabled account; its ended sessions stay ended.',
      )
      .addOption(new Option('--email <email>', 'The account.').makeOptionMandatory());
    addConfigOptions(command, ['databaseUrl', 'secretKeyFile', 'redisUrl', 'redisPrefix']);
    command.action(async (options: { email: string }) => {
      const registry = await createRegistry(loadConfig(flagsOf(command)), { logStream: process.stderr });
      try {
        const user = await registry.store.findUserByEmailKey(emailKey(options.email));
        if (!user) throw new SessiondError('not_found', `No account with the address ${options.email}.`);
        // The operator at the server's shell: an admin with no account of their own here.
        const actor = { kind: 'admin', adminId: null, ip: null } as const;
        const changed = disable ? await registry.accounts.disable(user.id, actor) : await registry.accounts.enable(user.id, actor);
        console.log(
          `${user.email} ${changed ? (disable ? 'disabled; its sessions ended' : 'enabled') : disable ? 'was already disabled' : 'was not disabled'}`,
        );
      } finally {
        await registry.close();
      }
    });
    users.addCommand(command);
  }
  return users;
}
