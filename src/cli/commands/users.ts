import { Command, Option } from 'commander';
import { loadConfig, PASSWORD_ENV, passwordFromEnv } from '../../config.js';
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
  return users.addCommand(create);
}
