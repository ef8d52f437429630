/** The ApiKeyStore contract on every engine, through the production adapter and migrations. */
import { connect, migrateToLatest } from '../../src/adapters/kysely/connect.js';
import { kyselyApiKeyStore } from '../../src/adapters/kysely/kysely-api-key-store.js';
import { kyselyStore } from '../../src/adapters/kysely/kysely-store.js';
import { kyselyWorkspaceStore } from '../../src/adapters/kysely/kysely-workspace-store.js';
import { runApiKeyStoreContract } from '../../src/core/testing/api-key-store.contract.js';
import { ENGINES, freshDatabase } from '../support/databases.js';

for (const engine of ENGINES) {
  runApiKeyStoreContract(engine, async () => {
    const database = await freshDatabase(engine);
    const { db } = connect(database.url);
    await migrateToLatest(db);
    const store = kyselyStore(db);
    return {
      keys: kyselyApiKeyStore(db),
      workspaces: kyselyWorkspaceStore(db),
      store,
      async dispose() {
        await store.close();
        await database.drop();
      },
    };
  });
}
