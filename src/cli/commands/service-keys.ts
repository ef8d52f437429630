import { Command, Option } from 'commander';
import { loadConfig } from '../../config.js';
import { createServiceKey } from '../../core/service-keys.js';
import { createRegistry } from '../../registry.js';
import { addConfigOptions, flagsOf } from '../options.js';

export function serviceKeysCommand(): Command {
  const keys = new Command('service-keys').description('Keys other services use to call /v1/introspect.');
  const create = new Command('create')
    .description('Create a service key and print it once; only its hash is stored.')
    .addOption(new Option('--name <name>', 'What the key is for, e.g. "billing-api".').makeOptionMandatory());
  addConfigOptions(create, ['databaseUrl', 'secretKeyFile']);
  create.action(async (options: { name: string }) => {
    const registry = await createRegistry(loadConfig(flagsOf(create)));
    try {
      const { record, key } = await createServiceKey(registry, options.name);
      console.error(`created service key ${record.id} (${record.name}); it is shown once, store it now:`);
      console.log(key);
    } finally {
      await registry.close();
    }
  });
  return keys.addCommand(create);
}
