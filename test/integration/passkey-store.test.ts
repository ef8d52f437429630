/** The PasskeyStore contract on every engine, through the production adapters and migrations. */
import { connect, migrateToLatest } from '../../src/adapters/kysely/connect.js';
import { kyselyPasskeyStore } from '../../src/adapters/kysely/kysely-passkey-store.js';
import { kyselyStore } from '../../src/adapters/kysely/kysely-store.js';
import { runPasskeyStoreContract } from '../../src/core/testing/passkey-store.contract.js';
import { ENGINES, freshDatabase } from '../support/databases.js';

for (const engine of ENGINES) {
  runPasskeyStoreContract(engine, async () => {
    const database = await freshDatabase(engine);
    const { db } = connect(database.url);
    await migrateToLatest(db);
    const store = kyselyStore(db);
    return {
      passkeys: kyselyPasskeyStore(db),
      store,
      async dispose() {
        await store.close();
        await database.drop();
      },
    };
  });
}
