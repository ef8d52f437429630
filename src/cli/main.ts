/** `sessiond <command>`: serve, migrate, users create, service-keys create, keys rotate, workspaces, members, sessions, audit, incidents. */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { isSessiondError } from '../core/errors.js';
import { keysCommand } from './commands/keys.js';
import { migrateCommand } from './commands/migrate.js';
import { oauthClientsCommand } from './commands/oauth-clients.js';
import { serveCommand } from './commands/serve.js';
import { serviceKeysCommand } from './commands/service-keys.js';
import { usersCommand } from './commands/users.js';
import {
  auditCommand,
  incidentsCliCommand,
  membersCommand,
  reviewsCommand,
  sessionsCommand,
  workspacesCommand,
} from './commands/workspaces.js';

export function program(): Command {
  return new Command('sessiond')
    .description('A session authority with an Active sessions security control.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride()
    .addCommand(serveCommand())
    .addCommand(migrateCommand())
    .addCommand(usersCommand())
    .addCommand(serviceKeysCommand())
    .addCommand(keysCommand())
    .addCommand(oauthClientsCommand())
    .addCommand(workspacesCommand())
    .addCommand(membersCommand())
    .addCommand(sessionsCommand())
    .addCommand(reviewsCommand())
    .addCommand(auditCommand())
    .addCommand(incidentsCliCommand());
}

export async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      process.exitCode = err.exitCode;
      return;
    }
    if (err instanceof ConfigError || isSessiondError(err)) {
      console.error(`sessiond: ${err.message}`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}
