/** The Store contract on every engine, through the production adapter and migrations. */
import { connect, migrateToLatest } from '../../src/adapters/kysely/connect.js';
import { kyselyStore } from '../../src/adapters/kysely/kysely-store.js';
import { runStoreContract } from '../../src/core/testing/store.contract.js';
import { ENGINES, freshDatabase } from '../support/databases.js';

for (const engine of ENGINES) {
  runStoreContract(engine, async () => {
    const database = await freshDatabase(engine);
    const { db } = connect(database.url);
    await migrateToLatest(db);
    const store = kyselyStore(db);
    return {
      store,
      async dispose() {
        await store.close();
        await database.drop();
      },
    };
  });
}
