/** The MfaStore contract on every engine, through the production adapters and migrations. */
import { connect, migrateToLatest } from '../../src/adapters/kysely/connect.js';
import { kyselyMfaStore } from '../../src/adapters/kysely/kysely-mfa-store.js';
import { kyselyStore } from '../../src/adapters/kysely/kysely-store.js';
import { runMfaStoreContract } from '../../src/core/testing/mfa-store.contract.js';
import { ENGINES, freshDatabase } from '../support/databases.js';

for (const engine of ENGINES) {
  runMfaStoreContract(engine, async () => {
    const database = await freshDatabase(engine);
    const { db } = connect(database.url);
    await migrateToLatest(db);
    const store = kyselyStore(db);
    return {
      mfa: kyselyMfaStore(db),
      store,
      async dispose() {
        await store.close();
        await database.drop();
      },
    };
  });
}
