/** The SecurityStore contract on every engine, through the production adapter and migrations. */
import { connect, migrateToLatest } from '../../src/adapters/kysely/connect.js';
import { kyselySecurityStore } from '../../src/adapters/kysely/kysely-security-store.js';
import { kyselyStore } from '../../src/adapters/kysely/kysely-store.js';
import { runSecurityStoreContract } from '../../src/core/testing/security-store.contract.js';
import { ENGINES, freshDatabase } from '../support/databases.js';

for (const engine of ENGINES) {
  runSecurityStoreContract(engine, async () => {
    const database = await freshDatabase(engine);
    const { db } = connect(database.url);
    await migrateToLatest(db);
    const store = kyselyStore(db);
    return {
      security: kyselySecurityStore(db),
      store,
      async dispose() {
        await store.close();
        await database.drop();
      },
    };
  });
}
