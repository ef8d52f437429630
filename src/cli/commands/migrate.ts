import { Command } from 'commander';
import { connect, migrateToLatest } from '../../adapters/kysely/connect.js';
import { loadConfig } from '../../config.js';
import { redactUrl } from '../../core/redact.js';
import { addConfigOptions, flagsOf } from '../options.js';

export function migrateCommand(): Command {
  const command = new Command('migrate').description('Bring the database schema up to date (serve also does this at start).');
  addConfigOptions(command, ['databaseUrl']);
  return command.action(async () => {
    const config = loadConfig(flagsOf(command));
    const { db } = connect(config.databaseUrl);
    try {
      const applied = await migrateToLatest(db);
      console.log(
        applied.length
          ? `applied ${applied.join(', ')} to ${redactUrl(config.databaseUrl)}`
          : `${redactUrl(config.databaseUrl)} is up to date`,
      );
    } finally {
      await db.destroy();
    }
  });
}
