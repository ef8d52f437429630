import { Command, Option } from 'commander';
import { loadConfig } from '../../config.js';
import { SessiondError } from '../../core/errors.js';
import { createServiceKey, revokeServiceKey } from '../../core/service-keys.js';
import { createRegistry } from '../../registry.js';
import { addConfigOptions, flagsOf } from '../options.js';

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

export function serviceKeysCommand(): Command {
  const keys = new Command('service-keys').description('Keys other services use to call /v1/introspect and the revocation stream.');
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
  keys.addCommand(create);

  const list = new Command('list').description('Every service key, oldest first: id, name, created, revoked ("-" while it works).');
  addConfigOptions(list, ['databaseUrl', 'secretKeyFile']);
  list.action(async () => {
    const registry = await createRegistry(loadConfig(flagsOf(list)), { logStream: process.stderr });
    try {
      console.log(['id', 'name', 'created', 'revoked'].join('\t'));
      for (const k of await registry.store.listServiceKeys()) console.log([k.id, k.name, iso(k.createdAt), iso(k.revokedAt)].join('\t'));
    } finally {
      await registry.close();
    }
  });
  keys.addCommand(list);

  const revoke = new Command('revoke')
    .description(
      'Revoke a service key: every node refuses it on /v1/introspect from the next request, and ends its open revocation streams within a second.',
    )
    .addOption(new Option('--id <id>', 'The key id (the part before the dot; `service-keys list` shows it).').makeOptionMandatory());
  addConfigOptions(revoke, ['databaseUrl', 'secretKeyFile']);
  revoke.action(async (options: { id: string }) => {
    const registry = await createRegistry(loadConfig(flagsOf(revoke)), { logStream: process.stderr });
    try {
      const id = options.id.split('.')[0]!;
      const existing = await registry.store.findServiceKey(id);
      if (!existing) throw new SessiondError('not_found', `No service key with the id ${id}.`);
      if (await revokeServiceKey(registry, id)) console.log(`revoked service key ${id} (${existing.name})`);
      else console.log(`service key ${id} (${existing.name}) was already revoked at ${iso(existing.revokedAt)}`);
    } finally {
      await registry.close();
    }
  });
  return keys.addCommand(revoke);
}
