/** The OidcStore contract on every engine, through the production adapter and migrations. */
import { connect, migrateToLatest } from '../../src/adapters/kysely/connect.js';
import { kyselyOidcStore } from '../../src/adapters/kysely/kysely-oidc-store.js';
import { kyselyStore } from '../../src/adapters/kysely/kysely-store.js';
import { runOidcStoreContract } from '../../src/core/testing/oidc-store.contract.js';
import { ENGINES, freshDatabase } from '../support/databases.js';

for (const engine of ENGINES) {
  runOidcStoreContract(engine, async () => {
    const database = await freshDatabase(engine);
    const { db } = connect(database.url);
    await migrateToLatest(db);
    const store = kyselyStore(db);
    return {
      oidc: kyselyOidcStore(db),
      store,
      async dispose() {
        await store.close();
        await database.drop();
      },
    };
  });
}
